using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.History;
using S3lo.Core.References;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class HistoryCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("history", Description = "Show what was pushed and when: per image of a bucket, or per tag of an image")]
    public Task<int> History(
        [Argument(Description = "SCHEME://BUCKET/, SCHEME://BUCKET/IMAGE or SCHEME://BUCKET/IMAGE:TAG")] string target,
        [Option("limit", Description = "Show the newest N rows only")] int? limit,
        [Option("all", Description = "Also show each tag's older pushes, marked superseded")] bool all,
        GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            if (limit is < 1) throw new UsageException($"--limit must be 1 or more, not {limit}", "leave it out to show every row");
            var parallelism = global.Concurrency * 4;
            var (location, repository, tag) = Parse(target);
            await using var bucket = await buckets.OpenAsync(location, context.StoreOptions, context.Token);
            if (repository is null)
            {
                var images = Limit(await BucketHistory.ImagesAsync(bucket, parallelism, context.Token), limit);
                if (StructuredWriter.TryWrite(context.Format, HistoryText.Json(images), c => c.ListImageHistoryJson)) return ExitCodes.Success;
                if (images.Count == 0)
                {
                    Console.Error.WriteLine($"no images in {Escape(bucket.Name)}");
                    return ExitCodes.Success;
                }
                foreach (var line in HistoryText.Table(images)) Console.WriteLine(line);
                return ExitCodes.Success;
            }
            var rows = Limit(await BucketHistory.TagsAsync(bucket, repository, tag, all, parallelism, context.Token), limit);
            if (!StructuredWriter.TryWrite(context.Format, HistoryText.Json(rows), c => c.ListTagHistoryJson))
            {
                foreach (var line in HistoryText.Table(rows, all)) Console.WriteLine(line);
            }
            return ExitCodes.Success;
        });

    // A tag after the image's last '/' makes it one tag's history; otherwise a bucket or an image.
    private (BucketLocation Location, string? Repository, string? Tag) Parse(string text)
    {
        var last = text[(text.LastIndexOf('/') + 1)..];
        if (last.Contains(':') || last.Contains('@'))
        {
            var image = references.ParseImage(text);
            if (image.Tag is null)
                throw new UsageException($"history takes a tag, not a digest: '{Escape(text)}'", "use IMAGE:TAG, or IMAGE for every tag");
            return (image.Location, image.Repository, image.Tag);
        }
        var target = references.ParseBucket(text);
        if (target.IsGlob) throw new UsageException($"history takes one image, not a pattern: '{Escape(text)}'", "use SCHEME://BUCKET/ for every image");
        return (target.Location, target.Repository, null);
    }

    private static IReadOnlyList<T> Limit<T>(IReadOnlyList<T> rows, int? limit) => limit is { } n && rows.Count > n ? [.. rows.Take(n)] : rows;
}
