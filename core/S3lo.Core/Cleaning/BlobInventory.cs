using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Every blob under blobs/sha256/ with its size, last-modified time and storage class, listed as sixteen prefix
/// listings (0…f) at once: a flat listing of a large bucket is one slow page after another.
/// Keys that are not a 64-hex digest are not s3lo's blobs and are left alone.
/// </summary>
internal sealed class BlobInventory
{
    private readonly Dictionary<string, (long Size, DateTimeOffset LastModified, string? StorageClass)> _blobs;

    private BlobInventory(Dictionary<string, (long, DateTimeOffset, string?)> blobs) => _blobs = blobs;

    public int Count => _blobs.Count;

    public bool Contains(string hex) => _blobs.ContainsKey(hex);

    /// <summary>The listed size of a blob; false when the listing did not see it.</summary>
    public bool TryGetSize(string hex, out long size)
    {
        var found = _blobs.TryGetValue(hex, out var blob);
        size = blob.Size;
        return found;
    }

    public IEnumerable<(string Hex, long Size, DateTimeOffset LastModified)> All =>
        _blobs.Select(b => (b.Key, b.Value.Size, b.Value.LastModified));

    /// <summary>Each blob's size and the storage class the listing reported (null where the provider has none).</summary>
    public IEnumerable<(string Hex, long Size, string? StorageClass)> Classes =>
        _blobs.Select(b => (b.Key, b.Value.Size, b.Value.StorageClass));

    public static async Task<BlobInventory> ListAsync(IObjectStore store, Action<long> listed, CancellationToken ct)
    {
        var parts = new List<(string, long, DateTimeOffset, string?)>[16];
        long count = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            var found = parts[i] = [];
            await foreach (var info in store.ListAsync(BucketLayout.BlobsPrefix + "0123456789abcdef"[i], token).ConfigureAwait(false))
            {
                var hex = info.Key[BucketLayout.BlobsPrefix.Length..];
                if (!Digest.TryParse(Digest.Sha256Prefix + hex, out _)) continue;
                found.Add((hex, info.Size, info.LastModified, info.StorageClass));
                var total = Interlocked.Increment(ref count);
                if (total % 1000 == 0) listed(total);
            }
        }).ConfigureAwait(false);
        var blobs = new Dictionary<string, (long, DateTimeOffset, string?)>(parts.Sum(p => p.Count), StringComparer.Ordinal);
        foreach (var part in parts)
            foreach (var (hex, size, time, storageClass) in part) blobs[hex] = (size, time, storageClass);
        listed(blobs.Count);
        return new BlobInventory(blobs);
    }
}
