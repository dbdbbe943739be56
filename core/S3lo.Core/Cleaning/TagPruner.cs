using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Config;

namespace S3lo.Core.Cleaning;

/// <summary>Decides, image by image, which tags the rules prune, and with --confirm deletes them.</summary>
internal static class TagPruner
{
    /// <summary>The tags that are gone afterwards (with --confirm) or would be (dry run); their items go to <paramref name="items"/>.</summary>
    public static async Task<HashSet<(string, string)>> PruneAsync(ImageBucket bucket, IReadOnlyList<ScannedTag> tags,
        IReadOnlyDictionary<string, EffectiveRules> rules, DateTimeOffset now, CleanOptions options,
        ConcurrentQueue<CleanItem> items, Action<string> warn, Action<long> deleted, CancellationToken ct)
    {
        var doomed = new List<(ScannedTag Tag, string Reason)>();
        foreach (var image in tags.GroupBy(t => t.Repository, StringComparer.Ordinal))
        {
            var byName = image.ToDictionary(t => t.Tag, StringComparer.Ordinal);
            var facts = image.Select(t => new TagFacts(t.Tag, t.PushedAt, t.Root.Digest.ToString(), [.. t.Root.Children.Select(c => c.Digest)])).ToList();
            foreach (var decision in TagPruning.Decide(facts, rules[image.Key], now, options.KeepDigests))
                if (decision.Prune) doomed.Add((byName[decision.Tag], decision.Reason));
        }
        var gone = new ConcurrentDictionary<(string, string), byte>();
        if (!options.Confirm)
        {
            foreach (var (tag, reason) in doomed)
            {
                items.Enqueue(new CleanItem(CleanCategory.Tags, tag.Name, tag.Manifest.Size, reason));
                gone[(tag.Repository, tag.Tag)] = 0;
            }
            return [.. gone.Keys];
        }
        long done = 0;
        await Parallel.ForEachAsync(doomed, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (entry, token) =>
        {
            var (tag, reason) = entry;
            var failure = await DeleteAsync(bucket, tag, warn, token).ConfigureAwait(false);
            if (failure is not "moved")
            {
                items.Enqueue(new CleanItem(CleanCategory.Tags, tag.Name, tag.Manifest.Size, reason, failure));
                if (failure is null) gone[(tag.Repository, tag.Tag)] = 0;
            }
            deleted(Interlocked.Increment(ref done));
        }).ConfigureAwait(false);
        return [.. gone.Keys];
    }

    /// <summary>Null when deleted, "moved" when a push moved the tag since it was read (kept, with a warning), else the error.</summary>
    private static async Task<string?> DeleteAsync(ImageBucket bucket, ScannedTag tag, Action<string> warn, CancellationToken ct)
    {
        try
        {
            // The decision was made on the version read earlier: a push since then is a new image to keep,
            // so only that version is deleted (conditionally, where the store has a version tag).
            if (await MovedAsync(bucket, tag, ct).ConfigureAwait(false)) return Moved(tag, warn);
            await bucket.DeleteTagAsync(tag.Repository, tag.Tag, tag.Manifest.ETag, ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // DeleteTagAsync refuses a tag a push changed under it; anything else is a failed delete.
            try
            {
                if (await MovedAsync(bucket, tag, ct).ConfigureAwait(false)) return Moved(tag, warn);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The delete's own error says more.
            }
            return e.Message;
        }
    }

    private static async Task<bool> MovedAsync(ImageBucket bucket, ScannedTag tag, CancellationToken ct) =>
        await bucket.Store.HeadAsync(BucketLayout.ManifestKey(tag.Repository, tag.Tag), ct).ConfigureAwait(false) is { } now
        && !TagListing.SameVersion(now, tag.Manifest);

    private static string Moved(ScannedTag tag, Action<string> warn)
    {
        warn($"{tag.Name} was pushed again while clean ran; it was kept");
        return "moved";
    }
}
