using System.Globalization;
using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Storage;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class ListCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("list", Aliases = ["ls"], Description = "List the images and tags in a bucket")]
    public Task<int> List([Argument(Description = "SCHEME://BUCKET/ or SCHEME://BUCKET/IMAGE")] string bucket, GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var target = references.ParseBucket(bucket);
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            var files = await TagFiles.ListAsync(images.Store, target.Repository, context.Token);
            if (target.Repository is not null && files.Count == 0)
                throw new NotFoundException($"{target.Location}{target.Repository} has no tags", $"'s3lo list {target.Location}' lists the images there are");
            files.Sort((a, b) => string.CompareOrdinal($"{a.Repository}:{a.Tag}", $"{b.Repository}:{b.Tag}"));
            if (context.Format == OutputFormat.Text)
            {
                // Text is the listing alone: no per-tag reads, so ten thousand tags print in seconds.
                foreach (var (repository, tag, _) in files) Console.WriteLine(Escape($"{repository}:{tag}"));
                return ExitCodes.Success;
            }
            var tags = new TagListing?[files.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count),
                new ParallelOptions { MaxDegreeOfParallelism = global.Concurrency * 4, CancellationToken = context.Token }, async (i, token) =>
                {
                    var (repository, tag, manifest) = files[i];
                    byte[] bytes;
                    try
                    {
                        bytes = await images.ReadAllAsync(manifest.Key, token);
                    }
                    catch (ObjectNotFoundException)
                    {
                        return; // deleted since the listing: no longer a tag
                    }
                    tags[i] = new TagListing(repository, tag)
                    {
                        Digest = Digest.Compute(bytes).ToString(),
                        PushedAt = manifest.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    };
                });
            StructuredWriter.TryWrite(context.Format, tags.OfType<TagListing>().ToList(), c => c.ListTagListing);
            return ExitCodes.Success;
        });
}
