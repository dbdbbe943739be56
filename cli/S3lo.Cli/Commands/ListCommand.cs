using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.References;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class ListCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("list", Aliases = ["ls"], Description = "List the images and tags in a bucket")]
    public Task<int> List([Argument(Description = "SCHEME://BUCKET/")] string bucket, GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var target = references.ParseBucket(bucket);
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            var tags = new List<TagListing>();
            await foreach (var (repository, tag) in images.ListTagsAsync(context.Token))
            {
                if (target.Repository is null || repository == target.Repository) tags.Add(new TagListing(repository, tag));
            }
            tags.Sort((a, b) => string.CompareOrdinal($"{a.Image}:{a.Tag}", $"{b.Image}:{b.Tag}"));
            if (!StructuredWriter.TryWrite(context.Format, tags, c => c.ListTagListing))
            {
                foreach (var t in tags) Console.WriteLine(Escape($"{t.Image}:{t.Tag}"));
            }
            return ExitCodes.Success;
        });
}
