using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// What a destination already holds of an image being built from uncompressed layers (a Docker
/// push): its config, and a stored blob per layer diff ID. Lets a re-push skip the export and
/// the compression of unchanged layers.
/// </summary>
public interface ILayerCache
{
    /// <summary>The config blob's bytes when the destination has it (the image ID is its digest).</summary>
    Task<byte[]?> TryReadConfigAsync(Digest config, CancellationToken ct);

    /// <summary>The stored blob for a layer tar in a compression, when there is one.</summary>
    Task<CachedLayer?> FindLayerAsync(Digest diffId, LayerCompression compression, CancellationToken ct);

    /// <summary>Remembers which blob holds a layer tar (of <paramref name="tarSize"/> bytes, if known), for the next push.</summary>
    Task RecordLayerAsync(Digest diffId, LayerCompression compression, Descriptor blob, long? tarSize, CancellationToken ct);
}
