using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Cli.Commands;

public sealed class DeleteCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("delete", Aliases = ["rm"], Description = "Remove a tag (its blobs stay in the bucket)")]
    public Task<int> Delete([Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string reference, GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var image = references.ParseImage(reference);
            if (image.Tag is null)
                throw new UsageException($"delete removes a tag; '{reference}' names a digest", $"write {image.Location}{image.Repository}:TAG");
            await using var bucket = await buckets.OpenAsync(image.Location, context.StoreOptions, context.Token);
            if (!await bucket.DeleteTagAsync(image.Repository, image.Tag, context.Token))
                throw new NotFoundException($"{image.Repository}:{image.Tag} not found in {bucket.Name}", $"'s3lo list {image.Location}' shows what is there");
            if (!StructuredWriter.TryWrite(context.Format, new DeleteSummary(image.ToString()), c => c.DeleteSummary))
                Console.WriteLine($"deleted {image}");
            return ExitCodes.Success;
        });
}
