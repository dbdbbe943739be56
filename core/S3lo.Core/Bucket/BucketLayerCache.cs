using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Bucket;

/// <summary>The bucket's blobs and diff-ID index as a <see cref="ILayerCache"/>.</summary>
public sealed class BucketLayerCache(ImageBucket bucket) : ILayerCache
{
    public async Task<byte[]?> TryReadConfigAsync(Digest config, CancellationToken ct)
    {
        if (await bucket.HeadBlobAsync(config, ct).ConfigureAwait(false) is null) return null;
        try
        {
            var bytes = await bucket.ReadAllAsync(BucketLayout.BlobKey(config), ct).ConfigureAwait(false);
            return Digest.Compute(bytes) == config ? bytes : null;
        }
        catch (S3loException)
        {
            return null;
        }
    }

    public Task<CachedLayer?> FindLayerAsync(Digest diffId, LayerCompression compression, CancellationToken ct) =>
        bucket.FindIndexedLayerAsync(diffId, compression, ct);

    public Task RecordLayerAsync(Digest diffId, LayerCompression compression, Descriptor blob, long? tarSize, CancellationToken ct) =>
        bucket.RecordIndexedLayerAsync(diffId, compression, blob, tarSize, ct);
}
