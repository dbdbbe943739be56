using S3lo.Core.Bucket;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Reads a small object whose size a listing or a descriptor gave, into one array of that size: a clean
/// reads tens of thousands of them, and a growing buffer per read is most of what it would allocate.
/// </summary>
internal static class SmallObjects
{
    public static async Task<byte[]> ReadAsync(ImageBucket bucket, string key, long expectedSize, CancellationToken ct)
    {
        if (expectedSize is < 0 or > ManifestSniffer.MaxManifestBytes) return await bucket.ReadAllAsync(key, ct).ConfigureAwait(false);
        var bytes = new byte[expectedSize];
        await using (var stream = await bucket.Store.OpenReadAsync(key, ct).ConfigureAwait(false))
        {
            var read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            // Rewritten since it was listed (shorter or longer): read it again whole.
            if (read == bytes.Length && await stream.ReadAsync(new byte[1], ct).ConfigureAwait(false) == 0) return bytes;
        }
        return await bucket.ReadAllAsync(key, ct).ConfigureAwait(false);
    }
}
