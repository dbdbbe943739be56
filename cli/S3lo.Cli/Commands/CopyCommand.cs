using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Endpoints;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Commands;

public sealed class CopyCommand(CommandRunner runner, BucketOpener buckets, TransferEngine engine, TimeProvider clock)
{
    [Command("copy", Aliases = ["cp"], Description = "Copy an image between buckets (no Docker needed)")]
    public Task<int> Copy(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG or IMAGE@sha256:...")] string source,
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string destination,
        GlobalOptions global,
        [Option("platform", Description = "keep only this os/arch[/variant] (the copy is single-arch)")] string? platform = null) =>
        runner.RunAsync(global, async context =>
        {
            var from = ParseBucketImage(source, "source");
            var to = ParseBucketImage(destination, "destination");
            if (to.Tag is null)
                throw new UsageException($"copy writes a tag; '{destination}' names a digest", $"write {to.Location}{to.Repository}:TAG");
            var wanted = platform is null ? null : PlatformSpec.Parse(platform);

            await using var sourceBucket = await buckets.OpenAsync(from.Location, context.StoreOptions, context.Token);
            await using var destinationBucket = from.Location == to.Location
                ? null
                : await buckets.OpenAsync(to.Location, context.StoreOptions, context.Token);
            await using var reader = new BucketImageSource(sourceBucket, from.Repository, from.Tag, from.Digest);
            await using var writer = new BucketImageDestination(destinationBucket ?? sourceBucket, to.Repository, to.Tag, clock);
            var observer = context.CreateObserver("copy");
            var report = await engine.TransferAsync(reader, writer, new TransferOptions
            {
                Platform = wanted,
                PlatformIsExplicit = wanted is not null,
                Concurrency = context.Options.Concurrency,
                CheckSourceFirst = true,
                Observer = observer,
            }, context.Token);
            (observer as ConsoleTransferObserver)?.Finish();

            var summary = TransferSummary.From(report, from.ToString(), to.ToString());
            if (!StructuredWriter.TryWrite(context.Format, summary, c => c.TransferSummary))
            {
                Console.WriteLine($"copied {from} to {to}");
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine($"platforms: {string.Join(", ", report.Platforms)}");
                Console.WriteLine($"blobs: {report.BlobsCopied} copied ({Sizes.Human(report.BytesCopied)}), {report.BlobsSkipped} already there");
            }
            return ExitCodes.Success;
        });

    private static ImageReference ParseBucketImage(string text, string role)
    {
        if (!ReferenceParser.IsBucketReference(text))
            throw new UsageException($"the copy {role} '{text}' is not a bucket reference",
                "this version copies between s3://, gs://, az:// and local:// references; registries and archives come next");
        return ReferenceParser.ParseImage(text);
    }
}
