using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>One end of every transfer: where an image comes from (bucket, Docker daemon, registry, archive).</summary>
public interface IImageSource : IAsyncDisposable
{
    /// <summary>How to name this source in messages.</summary>
    string Name { get; }

    /// <summary>What the source knows of its layers (tar sizes, for decoding in the stream); it learns what a transfer proves.</summary>
    ILayerCache? LayerCache => null;

    /// <summary>The manifest or index the reference resolves to, byte-exact.</summary>
    Task<ManifestBlob> GetRootAsync(CancellationToken ct);

    /// <summary>A manifest an index references. The engine verifies its digest.</summary>
    Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct);

    /// <summary>Whether a blob can be opened; used to fail before writing anything when one is missing.</summary>
    Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct);

    /// <summary>Opens a blob for reading. The engine verifies size and digest while streaming.</summary>
    Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct);
}
