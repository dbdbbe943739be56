using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Docker.Daemon;
using S3lo.Docker.Engine;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary>pull: <c>copy SRC docker-daemon:TAG</c> for one platform, with pull's own flags and words.</summary>
public sealed class PullCommand(CommandRunner runner, BucketReferences references, TransportRegistry transports, TransferEngine engine)
{
    [Command("pull", Description = "Pull an image from a bucket into the Docker daemon")]
    public Task<int> Pull(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG or IMAGE@sha256:...")] string reference,
        [Argument(Description = "local name to tag it as (default IMAGE:TAG)")] string? localTag,
        GlobalOptions global,
        [Option("platform", Description = "os/arch[/variant] to pull from a multi-platform image (default: this machine's)")] string? platform = null) =>
        runner.RunAsync(global, async context =>
        {
            var source = references.ParseImage(reference);
            // Docker's rule for LOCAL_TAG (no tag is latest); without it, the bucket's IMAGE:TAG.
            var localName = localTag ?? $"{source.Repository}:{source.Tag ?? "sha256-" + source.Digest!.Value.Hex[..12]}";
            var wanted = platform is null ? PlatformSpec.Host() : PlatformSpec.Parse(platform);

            await using var session = new TransportSession
            {
                Source = transports.Parse(reference, EndRole.Source),
                Destination = transports.Parse(DockerDaemonTransport.Prefix + localName, EndRole.Destination),
                StoreOptions = context.StoreOptions,
                Platform = wanted,
            };
            // The daemon first: without it nothing can be pulled, whatever the bucket holds.
            var target = await transports.OpenDestinationAsync(session, context.Token);
            var reader = await transports.OpenSourceAsync(session, context.Token);
            using var observer = context.CreateObserver("pull");
            var report = await ViaDaemonPullAsync(reader, session.Destination.RepoTag!, wanted, observer, context)
                ?? await engine.TransferAsync(reader, target, new TransferOptions
            {
                Platform = wanted,
                PlatformIsExplicit = platform is not null,
                Concurrency = context.Options.Concurrency,
                // Buckets answer HEAD cheaply: find a missing blob before the daemon sees a byte.
                CheckSourceFirst = true,
                Observer = observer,
                MovePhase = TransferPhase.Downloading,
            }, context.Token);
            observer.Finish();

            var summary = TransferSummary.From(report, source.ToString(), session.Destination.RepoTag!);
            if (!StructuredWriter.TryWrite(context.Format, summary, c => c.TransferSummary))
            {
                Console.WriteLine(Escape($"pulled {source} ({string.Join(", ", report.Platforms)}) as {session.Destination.RepoTag}"));
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine(report.Commit.Unchanged
                    ? "the daemon already had this image; tagged it"
                    : $"blobs: {report.BlobsCopied} loaded ({Sizes.Human(report.BytesCopied)})");
                Console.WriteLine(TransferText.Result("pulled", report.BytesCopied, observer.Elapsed));
            }
            return ExitCodes.Success;
        });

    /// <summary>A bucket's image pulled by the local daemon itself from a throwaway loopback registry; null: load it instead.</summary>
    private static async Task<TransferReport?> ViaDaemonPullAsync(IImageSource reader, string repoTag, PlatformSpec wanted, ITransferObserver observer, CommandContext context)
    {
        var host = DockerHost.FromEnvironmentVariables();
        if (reader is not BucketImageSource || !DaemonRegistryPull.Enabled(host)) return null;
        var colon = repoTag.LastIndexOf(':');
        using var daemon = new DockerClient(host);
        return await new DaemonRegistryPull(daemon, context.Logger).TryAsync(reader, repoTag[..colon], repoTag[(colon + 1)..], wanted, observer, context.Token);
    }
}
