using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Sorts unreachable blobs into manifests and other blobs: by what the pruned tags said they were, else by
/// reading the small ones (a large bucket's clean is round trips, so known ones are not read again).
/// </summary>
internal static class BlobClassifier
{
    public static async Task<List<BlobCandidate>> ClassifyAsync(ImageBucket bucket, IReadOnlyList<(string Hex, long Size, DateTimeOffset LastModified)> blobs,
        IReadOnlyDictionary<string, CleanCategory> known, int parallelism, Action<long> classified, CancellationToken ct)
    {
        var result = new ConcurrentBag<BlobCandidate>();
        long done = 0;
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (blob, token) =>
        {
            var category = CleanCategory.Blobs;
            if (known.TryGetValue(blob.Hex, out var label)) category = label;
            else if (blob.Size <= ManifestSniffer.MaxManifestBytes)
            {
                try
                {
                    var bytes = await SmallObjects.ReadAsync(bucket, BucketLayout.BlobsPrefix + blob.Hex, blob.Size, token).ConfigureAwait(false);
                    if (ManifestSniffer.LooksLikeManifest(bytes)) category = CleanCategory.Manifests;
                }
                catch (ObjectNotFoundException)
                {
                    return; // gone already
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Only the label is at stake: unread, it counts as a blob.
                }
            }
            result.Add(new BlobCandidate(blob.Hex, blob.Size, blob.LastModified, category));
            classified(Interlocked.Increment(ref done));
        }).ConfigureAwait(false);
        return [.. result.OrderBy(c => c.Hex, StringComparer.Ordinal)];
    }
}
