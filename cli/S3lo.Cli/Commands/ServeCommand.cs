using System.Net;
using System.Net.Sockets;
using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Serving;
using S3lo.Serve;

namespace S3lo.Cli.Commands;

/// <summary>
/// serve: the bucket as an OCI Distribution registry (read API) on loopback, so that
/// <c>docker pull 127.0.0.1:5000/app:1</c> works without a registry in between (docs/serve.md).
/// </summary>
public sealed class ServeCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("serve", Description = "Serve a bucket as a read-only OCI registry on loopback (docker pull 127.0.0.1:5000/IMAGE:TAG)")]
    public Task<int> Serve(
        [Argument(Description = "SCHEME://BUCKET/")] string bucket,
        ServeOptions options,
        StoreFlags store) =>
        runner.RunAsync(store.ToGlobal(), async context =>
        {
            var host = LoopbackAddress(options.Host);
            if (options.Port is < 0 or > 65535)
                throw new UsageException($"--port must be between 0 and 65535, not {options.Port}");
            var target = references.ParseBucket(bucket);
            if (target.Repository is not null)
                throw new UsageException($"serve serves a whole bucket; '{bucket}' names an image", $"write {target.Location}");
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            RegistryServer server;
            try
            {
                server = await RegistryServer.StartAsync(new RegistryReader(images), host, options.Port, context.Logger, context.Token);
            }
            catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3loException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", "pick another --port");
            }
            await using (server)
            {
                Console.WriteLine($"serving {target.Location} on http://{server.Address.Authority}");
                try
                {
                    await Task.Delay(Timeout.Infinite, context.Token);
                }
                catch (OperationCanceledException) when (context.Token.IsCancellationRequested)
                {
                    // SIGINT or SIGTERM: a requested stop, not a failure
                }
            }
            return ExitCodes.Success;
        });

    /// <summary>
    /// Loopback only until the server authenticates and speaks TLS: anyone who reaches the port reads
    /// every image in the bucket.
    /// </summary>
    private static IPAddress LoopbackAddress(string host)
    {
        if (host == "localhost") return IPAddress.Loopback;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)) return address;
        throw new UsageException($"--host {host} is not a loopback address: serve has no auth or TLS yet, so it listens on 127.0.0.1 or ::1 only ('--allow-anonymous' is not built yet)");
    }
}
