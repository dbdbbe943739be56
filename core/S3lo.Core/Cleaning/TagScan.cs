using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>Reads many tags' manifest.json (and, where the rules need push times, history.json) in parallel.</summary>
internal static class TagScan
{
    public static async Task<List<ScannedTag>> ReadAsync(ImageBucket bucket, IEnumerable<KeyValuePair<(string Repository, string Tag), ObjectInfo>> tags,
        Func<string, bool> needsPushTime, int parallelism, Action<long> read, Action<string> warn, CancellationToken ct)
    {
        var scanned = new ConcurrentBag<ScannedTag>();
        long done = 0;
        await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (entry, token) =>
        {
            var ((repository, tag), info) = entry;
            if (await ReadOneAsync(bucket, repository, tag, info, needsPushTime(repository), warn, token).ConfigureAwait(false) is { } one) scanned.Add(one);
            read(Interlocked.Increment(ref done));
        }).ConfigureAwait(false);
        return [.. scanned];
    }

    private static async Task<ScannedTag?> ReadOneAsync(ImageBucket bucket, string repository, string tag, ObjectInfo info, bool needsPushTime,
        Action<string> warn, CancellationToken ct)
    {
        // Both reads at once: a large bucket's scan is round trips, not bytes.
        var history = needsPushTime ? ReadHistoryAsync(bucket, repository, tag, ct) : Task.FromResult<IReadOnlyList<HistoryEntry>>([]);
        var key = BucketLayout.ManifestKey(repository, tag);
        byte[] bytes;
        try
        {
            bytes = await SmallObjects.ReadAsync(bucket, key, info.Size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            await ((Task)history).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null; // deleted since the listing: it reaches nothing any more
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await ((Task)history).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw CleanAborted.ReadFailed(bucket.Name, key, e);
        }
        var root = ManifestReferences.Read(bytes, $"manifest of {repository}:{tag}", null, warn);
        var entries = await history.ConfigureAwait(false);
        var pushedAt = entries.Count > 0 ? entries.Max(h => h.PushedAt) : info.LastModified;
        return new ScannedTag(repository, tag, info, root, pushedAt);
    }

    private static async Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(ImageBucket bucket, string repository, string tag, CancellationToken ct)
    {
        try
        {
            return await bucket.ReadHistoryAsync(repository, tag, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw CleanAborted.ReadFailed(bucket.Name, BucketLayout.HistoryKey(repository, tag), e);
        }
    }
}
