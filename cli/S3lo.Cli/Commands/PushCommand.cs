using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;
using S3lo.Docker;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class PushCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, ImagePusher pusher)
{
    [Command("push", Description = "Push an image from the Docker daemon to a bucket")]
    public Task<int> Push(
        [Argument(Description = "image in the Docker daemon, e.g. myapp:1.0")] string localImage,
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string destination,
        GlobalOptions global,
        [Option("platform", Description = "os/arch[/variant] the image must be")] string? platform = null,
        [Option("compression", Description = "layer compression: gzip (default), zstd or none")] string compression = "gzip",
        [Option("storage-class", Description = "storage class for blobs (S3: INTELLIGENT_TIERING by default; Azure: Hot, Cool, Cold)", ValueName = "CLASS")] string? storageClass = null) =>
        runner.RunAsync(global, async context =>
        {
            var reference = references.ParseImage(destination);
            if (reference.Tag is null)
                throw new UsageException($"push needs a tag, not a digest: '{destination}'", $"write {reference.Location}{reference.Repository}:TAG");
            var pushOptions = new DockerPushOptions
            {
                Compression = ParseCompression(compression),
                Platform = platform is null ? null : PlatformSpec.Parse(platform),
            };
            if (string.IsNullOrWhiteSpace(localImage)) throw new UsageException("the local image name is empty", "write e.g. s3lo push myapp:1.0 " + destination);

            using var docker = new DockerClient();
            await docker.PingAsync(context.Token);
            await using var bucket = await buckets.OpenAsync(reference.Location, context.StoreOptions with { StorageClass = storageClass }, context.Token);
            var observer = context.CreateObserver("push");
            var result = await pusher.PushAsync(docker, localImage, bucket, reference, pushOptions,
                new TransferOptions { Concurrency = context.Options.Concurrency, Observer = observer }, context.Token);
            (observer as ConsoleTransferObserver)?.Finish();

            var report = result.Report;
            if (!string.Equals(result.Platform.Architecture, PlatformSpec.Host().Architecture, StringComparison.Ordinal))
                Console.Error.WriteLine($"note: {Escape(localImage)} is {Escape(result.Platform.ToString())}; it will not run on {PlatformSpec.Host()} machines");
            var summary = TransferSummary.From(report, localImage, reference.ToString()) with
            {
                Platforms = [result.Platform.ToString()],
                Exported = result.Exported,
            };
            if (!StructuredWriter.TryWrite(context.Format, summary, c => c.TransferSummary))
            {
                Console.WriteLine(Escape($"pushed {localImage} ({result.Platform}) to {reference}"));
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine($"blobs: {report.BlobsCopied} uploaded ({Sizes.Human(report.BytesCopied)}), {report.BlobsSkipped} already there"
                    + (result.Exported ? "" : "; image not exported (bucket had every layer)")
                    + (report.Commit.Unchanged ? "; tag unchanged" : ""));
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
