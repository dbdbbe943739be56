using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Config;

namespace S3lo.Core.Cleaning;

/// <summary>
/// <c>clean</c>: prunes tags by the lifecycle rules, then deletes what no remaining tag reaches (blobs
/// past the grace, old incomplete uploads, stale diff-ID index entries). A dry run unless
/// <see cref="CleanOptions.Confirm"/>. How it stays safe while pushes run: <see cref="BlobCollector"/>.
/// </summary>
/// <param name="rulesFor">The effective rules of an image (repository name), from s3lo.yaml.</param>
public sealed class BucketCleaner(ImageBucket bucket, Func<string, EffectiveRules> rulesFor, TimeProvider clock)
{
    public async Task<CleanReport> RunAsync(CleanOptions options, IProgress<CleanProgress>? progress, CancellationToken ct)
    {
        options = options with { Parallelism = Math.Max(1, options.Parallelism) };
        var now = clock.GetUtcNow();
        var items = new ConcurrentQueue<CleanItem>();
        var warnings = new ConcurrentQueue<string>();
        void Report(string phase, long done, long? total)
        {
            // Every item would flood a renderer; every 100th and the last are enough to move a bar.
            if (progress is not null && (done % 100 == 0 || done == total)) progress.Report(new CleanProgress(phase, done, total));
        }

        Report("listing tags", 0, null);
        var listing = await TagListing.ListAsync(bucket.Store, ct).ConfigureAwait(false);
        // The blob listing needs nothing from the tags: it runs while they are read.
        var listedBlobs = options.Blobs ? BlobInventory.ListAsync(bucket.Store, n => Report("listing blobs", n, null), ct) : null;
        try
        {
            return await RunAsync(listing, listedBlobs, options, now, items, warnings, Report, ct).ConfigureAwait(false);
        }
        finally
        {
            if (listedBlobs is not null) await ((Task)listedBlobs).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<CleanReport> RunAsync(TagListing listing, Task<BlobInventory>? listedBlobs, CleanOptions options, DateTimeOffset now,
        ConcurrentQueue<CleanItem> items, ConcurrentQueue<string> warnings, Action<string, long, long?> report, CancellationToken ct)
    {
        Action<string> warn = warnings.Enqueue;
        var rules = listing.Tags.Keys.Select(t => t.Repository).Distinct(StringComparer.Ordinal)
            .ToDictionary(repository => repository, rulesFor, StringComparer.Ordinal);
        var tags = await TagScan.ReadAsync(bucket, listing.Tags, repository => options.Tags && UsesPushTimes(rules[repository]),
            options.Parallelism, n => report("reading tags", n, listing.Tags.Count), warn, ct).ConfigureAwait(false);

        var pruned = options.Tags
            ? await TagPruner.PruneAsync(bucket, tags, rules, now, options, items, warn, n => report("pruning tags", n, null), ct).ConfigureAwait(false)
            : [];
        if (listedBlobs is not null)
        {
            var remaining = tags.Where(t => !pruned.Contains((t.Repository, t.Tag))).ToList();
            var gone = tags.Where(t => pruned.Contains((t.Repository, t.Tag))).ToList();
            var collected = await new BlobCollector(bucket, clock, options, report, warn)
                .CollectAsync(listing, listedBlobs, remaining, gone, now, items, ct).ConfigureAwait(false);
            report("incomplete uploads", 0, null);
            await UploadSweep.RunAsync(bucket.Store, now, options, items, warn, ct).ConfigureAwait(false);
            await ServeUploadSweep.RunAsync(bucket.Store, now, options, items, warn, ct).ConfigureAwait(false);
            report("diff-ID index", 0, null);
            await IndexEntrySweep.RunAsync(bucket, collected.Inventory, collected.Removed, options, items, warn, ct).ConfigureAwait(false);
        }
        var ordered = items.OrderBy(i => i.Category).ThenBy(i => i.Name, StringComparer.Ordinal).ToList();
        return new CleanReport(options.Confirm, ordered, [.. warnings.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Only keep_last and max_age look at push times; without them history.json is not read.</summary>
    private static bool UsesPushTimes(EffectiveRules rules) => rules.KeepLast.Value is not null || rules.MaxAge.Value is not null;
}
