using System.Collections.Concurrent;
using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Diff-ID index entries whose blob is gone (or went in this run): a push would only skip them after
/// a HEAD, but they are clutter that grows. The index is a cache, so any doubt keeps an entry.
/// </summary>
internal static class IndexEntrySweep
{
    public static async Task RunAsync(ImageBucket bucket, BlobInventory inventory, IReadOnlySet<string> removed, CleanOptions options,
        ConcurrentQueue<CleanItem> items, Action<string> warn, CancellationToken ct)
    {
        var entries = new List<ObjectInfo>();
        try
        {
            await foreach (var info in bucket.Store.ListAsync(BucketLayout.DiffIdIndexPrefix, ct).ConfigureAwait(false)) entries.Add(info);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"the diff-ID index of {bucket.Name} could not be listed ({e.Message}); no entry was removed");
            return;
        }
        var stale = new ConcurrentBag<(ObjectInfo Entry, string Reason)>();
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (entry, token) =>
        {
            if (await StaleReasonAsync(bucket, entry.Key, inventory, removed, options.Confirm, token).ConfigureAwait(false) is { } reason)
                stale.Add((entry, reason));
        }).ConfigureAwait(false);
        var failures = options.Confirm && !stale.IsEmpty
            ? (await bucket.Store.DeleteManyAsync(stale.Select(s => s.Entry.Key).ToList(), ct).ConfigureAwait(false)).ToDictionary(f => f.Key, f => f.Reason, StringComparer.Ordinal)
            : [];
        foreach (var (entry, reason) in stale.OrderBy(s => s.Entry.Key, StringComparer.Ordinal))
            items.Enqueue(new CleanItem(CleanCategory.IndexEntries, entry.Key, entry.Size, reason, failures.GetValueOrDefault(entry.Key)));
    }

    private static async Task<string?> StaleReasonAsync(ImageBucket bucket, string key, BlobInventory inventory, IReadOnlySet<string> removed,
        bool confirmed, CancellationToken ct)
    {
        IndexedLayer? entry;
        try
        {
            entry = JsonSerializer.Deserialize(await bucket.ReadAllAsync(key, ct).ConfigureAwait(false), BucketJsonContext.Compact.IndexedLayer);
        }
        catch (JsonException)
        {
            return "not a valid index entry";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // gone already, or unreadable now: kept
        }
        if (entry is null || !Digest.TryParse(entry.Digest, out var blob)) return "not a valid index entry";
        if (removed.Contains(blob.Hex)) return confirmed ? $"its blob {blob} was deleted by this clean" : $"its blob {blob} would be deleted";
        if (inventory.Contains(blob.Hex)) return null;
        // Not listed: maybe uploaded since the listing. Only a blob that is still absent makes the entry stale.
        try
        {
            return await bucket.HeadBlobAsync(blob, ct).ConfigureAwait(false) is null ? $"its blob {blob} is gone" : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }
}
