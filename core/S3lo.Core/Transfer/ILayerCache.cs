using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// What an endpoint knows of layers it holds: which stored blob holds a layer tar (by diff ID) in
/// each compression, with the tar's size. The engine asks it before a layer is exported or
/// compressed (a re-push skips both), and before a layer is decompressed (the tar size lets a pull
/// decompress in the stream); it records every pair a transfer proved. A bucket keeps it as its
/// diff-ID index.
/// </summary>
public interface ILayerCache
{
    /// <summary>The config blob's bytes when the endpoint has it (the image ID is its digest).</summary>
    Task<byte[]?> TryReadConfigAsync(Digest config, CancellationToken ct);

    /// <summary>The stored blob for a layer tar in a compression, when there is one.</summary>
    Task<CachedLayer?> FindLayerAsync(Digest diffId, LayerCompression compression, CancellationToken ct);

    /// <summary>Remembers which blob holds a layer tar (of <paramref name="tarSize"/> bytes, if known).</summary>
    Task RecordLayerAsync(Digest diffId, LayerCompression compression, Descriptor blob, long? tarSize, CancellationToken ct);
}
