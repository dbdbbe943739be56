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
/// serve: the bucket as an OCI Distribution registry, so that <c>docker pull 127.0.0.1:5000/app:1</c>
/// works without a registry in between; basic auth, TLS, an access log and /metrics (docs/serve.md).
/// </summary>
public sealed class ServeCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("serve", Description = "Serve a bucket as an OCI registry (docker pull 127.0.0.1:5000/IMAGE:TAG)")]
    public Task<int> Serve(
        [Argument(Description = "SCHEME://BUCKET/")] string bucket,
        ServeOptions options,
        StoreFlags store) =>
        runner.RunAsync(store.ToGlobal(), async context =>
        {
            var settings = Settings(options);
            var target = references.ParseBucket(bucket);
            if (target.Repository is not null)
                throw new UsageException($"serve serves a whole bucket; '{bucket}' names an image", $"write {target.Location}");
            // a bad htpasswd, certificate or key fails before the (possibly slow) store connection
            var access = ServeAccess.Load(settings);
            if (access.Users is not null && access.Certificate is null && !IPAddress.IsLoopback(settings.Host))
                Console.Error.WriteLine($"warning: basic auth over plain HTTP on {options.Host}: passwords cross the network readable; add --tls-cert and --tls-key, or put a TLS proxy in front");
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            RegistryServer server;
            try
            {
                server = await RegistryServer.StartAsync(new RegistryReader(images, new RegistryReaderOptions { CacheTtl = settings.CacheTtl, MaxStorageCalls = settings.MaxStorageCalls }), settings, access, context.Logger, context.Token);
            }
            catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3loException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", "pick another --port");
            }
            await using (server)
            {
                Console.WriteLine($"serving {target.Location} on {server.Address.Scheme}://{server.Address.Authority}");
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

    private static RegistryServerSettings Settings(ServeOptions options)
    {
        if (options.Port is < 0 or > 65535)
            throw new UsageException($"--port must be between 0 and 65535, not {options.Port}");
        if (options.MaxStorageCalls < 1)
            throw new UsageException($"--max-storage-calls must be at least 1, not {options.MaxStorageCalls}");
        if ((options.TlsCert is null) != (options.TlsKey is null))
            throw new UsageException("--tls-cert and --tls-key go together", "give both, or neither for plain HTTP");
        if (options.Htpasswd is not null && options.AllowAnonymous)
            throw new UsageException("--htpasswd and --allow-anonymous contradict each other", "keep --htpasswd to require a login, or --allow-anonymous to serve without one");
        var presignTtl = Durations.Parse(options.PresignTtl, "--presign-ttl");
        if (presignTtl < TimeSpan.FromSeconds(1) || presignTtl > TimeSpan.FromDays(7))
            throw new UsageException($"--presign-ttl {options.PresignTtl} is out of range", "presigned URLs live from 1s to 7d (the most S3 and GCS allow)");
        return new RegistryServerSettings
        {
            Host = ListenAddress(options),
            Port = options.Port,
            TlsCertificatePath = options.TlsCert,
            TlsKeyPath = options.TlsKey,
            HtpasswdPath = options.Htpasswd,
            AllowAnonymous = options.AllowAnonymous,
            AllowPush = options.AllowPush,
            PresignTtl = presignTtl,
            NoRedirect = options.NoRedirect,
            CacheTtl = Durations.ParseGrace(options.CacheTtl, "--cache-ttl"),
            MaxStorageCalls = options.MaxStorageCalls,
            AccessLog = !options.NoAccessLog,
        };
    }

    /// <summary>
    /// Anyone who reaches the port reads every image in the bucket (and writes, with --allow-push): a
    /// non-loopback address needs auth, or the operator saying in so many words that none is wanted.
    /// </summary>
    private static IPAddress ListenAddress(ServeOptions options)
    {
        var host = options.Host;
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed
            : throw new UsageException($"--host '{host}' is not an IP address", "write 127.0.0.1, ::1, 0.0.0.0 or an address of this host");
        if (!IPAddress.IsLoopback(address) && options.Htpasswd is null && !options.AllowAnonymous)
            throw new UsageException($"--host {host} is not a loopback address and no auth is set: anyone who reaches it could read the whole bucket",
                "add --htpasswd FILE, or --allow-anonymous if that is what you want");
        return address;
    }
}
