using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>The other end of every transfer: where an image goes (bucket, Docker daemon, registry, archive).</summary>
public interface IImageDestination : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Which layer encodings this destination takes; the engine decodes or encodes to match.</summary>
    LayerFormats Layers => LayerFormats.Stored(LayerCompression.Gzip);

    /// <summary>Which stored blob holds a layer tar here: consulted before a layer is exported or encoded.</summary>
    ILayerCache? LayerCache => null;

    /// <summary>True when blobs may arrive before <see cref="PrepareAsync"/> (content-addressed stores), so uploads overlap a slow source.</summary>
    bool TakesBlobsBeforePlan => false;

    /// <summary>True when a commit proves each layer matches its config's diff ID (the Docker daemon checks them as it loads).</summary>
    bool ChecksDiffIds => false;

    /// <summary>True when the destination already holds this blob, so the engine skips it.</summary>
    Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct);

    /// <summary>Called once, before any blob, with everything the transfer will write and in which order.</summary>
    Task PrepareAsync(TransferPlan plan, CancellationToken ct);

    /// <summary>
    /// Stores a blob. <paramref name="content"/> is verified by the engine: reading it to the end
    /// succeeds only when size and digest match, so a destination that commits only after a
    /// complete read never stores wrong bytes. May be called concurrently for different blobs.
    /// </summary>
    Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct);

    /// <summary>Stores a manifest an index references (before the root is committed).</summary>
    Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct);

    /// <summary>Makes the image visible under its name: the last write of a transfer.</summary>
    Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct);
}
