using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Docker.Daemon;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary>push: <c>copy docker-daemon:IMAGE DEST</c>, with push's own flags and words.</summary>
public sealed class PushCommand(CommandRunner runner, BucketReferences references, TransportRegistry transports, TransferEngine engine)
{
    [Command("push", Description = "Push an image from the Docker daemon to a bucket")]
    public Task<int> Push(
        [Argument(Description = "image in the Docker daemon, e.g. myapp:1.0")] string localImage,
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string destination,
        GlobalOptions global,
        [Option("platform", Description = "os/arch[/variant] the image must be")] string? platform = null,
        [Option("compression", Description = "layer compression: gzip (default), zstd or none")] string compression = "gzip",
        [Option("storage-class", Description = "storage class for blobs (S3: INTELLIGENT_TIERING by default; Azure: Hot, Cool, Cold)", ValueName = "CLASS")] string? storageClass = null,
        [Option("force", Description = "move the tag even when the bucket config makes it immutable")] bool force = false) =>
        runner.RunAsync(global, async context =>
        {
            var reference = references.ParseImage(destination);
            if (reference.Tag is null)
                throw new UsageException($"push needs a tag, not a digest: '{destination}'", $"write {reference.Location}{reference.Repository}:TAG");
            var wanted = platform is null ? null : PlatformSpec.Parse(platform);
            var layerCompression = ParseCompression(compression);
            if (string.IsNullOrWhiteSpace(localImage)) throw new UsageException("the local image name is empty", "write e.g. s3lo push myapp:1.0 " + destination);

            var started = System.Diagnostics.Stopwatch.StartNew();
            async Task<(TransferReport, DockerDaemonSource)> PushOnceAsync()
            {
                await using var session = new TransportSession
                {
                    Source = transports.Parse(DockerDaemonTransport.Prefix + localImage, EndRole.Source),
                    Destination = transports.Parse(destination, EndRole.Destination),
                    StoreOptions = context.StoreOptions,
                    StorageClass = storageClass,
                    Compression = layerCompression,
                    Platform = wanted,
                    Force = force,
                    Command = "push",
                };
                // The daemon first: without it there is nothing to push, whatever the bucket says.
                var source = (DockerDaemonSource)await transports.OpenSourceAsync(session, context.Token);
                var target = await transports.OpenDestinationAsync(session, context.Token);
                using var observer = context.CreateObserver("push");
                var options = new TransferOptions { Concurrency = context.Options.Concurrency, Observer = observer, MovePhase = TransferPhase.Uploading };
                return (await engine.TransferAsync(source, target, options, context.Token), source);
            }

            TransferReport report;
            DockerDaemonSource source;
            try
            {
                (report, source) = await PushOnceAsync();
            }
            catch (BlobsLostException lost)
            {
                // A concurrent clean took a layer this push reused without exporting it. The tag is committed;
                // the same push again finds the layer missing, exports and uploads it.
                Console.Error.WriteLine("note: a concurrent clean deleted blobs this push had reused; pushing again to upload them");
                (report, source) = await PushOnceAsync();
                report = report with { Commit = lost.Commit, BlobsRepaired = report.BlobsCopied };
            }

            var inspect = source.Inspect!;
            var pushed = new Platform { Os = inspect.Os ?? "", Architecture = inspect.Architecture ?? "", Variant = inspect.Variant };
            if (!string.Equals(pushed.Architecture, PlatformSpec.Host().Architecture, StringComparison.Ordinal))
                Console.Error.WriteLine($"note: {Escape(localImage)} is {Escape(pushed.ToString())}; it will not run on {PlatformSpec.Host()} machines");
            var summary = TransferSummary.From(report, localImage, reference.ToString()) with
            {
                Platforms = [pushed.ToString()],
                Exported = source.Exported,
            };
            if (!StructuredWriter.TryWrite(context.Format, summary, c => c.TransferSummary))
            {
                Console.WriteLine(Escape($"pushed {localImage} ({pushed}) to {reference}"));
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine($"blobs: {report.BlobsCopied} uploaded ({Sizes.Human(report.BytesCopied)}), {report.BlobsSkipped} already there"
                    + (source.Exported ? "" : "; image not exported (bucket had every layer)")
                    + (report.BlobsRepaired > 0 ? $"; {report.BlobsRepaired} uploaded again after a concurrent clean" : "")
                    + (report.Commit.Unchanged ? "; tag unchanged" : ""));
                Console.WriteLine(TransferText.Result("pushed", report.BytesCopied, started.Elapsed));
            }
            return ExitCodes.Success;
        });

    private static LayerCompression ParseCompression(string text) => text.ToLowerInvariant() switch
    {
        "gzip" => LayerCompression.Gzip,
        "zstd" => LayerCompression.Zstd,
        "none" => LayerCompression.None,
        _ => throw new UsageException($"--compression '{text}' is not supported", "choose gzip, zstd or none"),
    };
}
