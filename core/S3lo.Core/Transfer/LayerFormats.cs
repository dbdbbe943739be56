using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// The layer encodings a destination takes. <see cref="Preferred"/> is how the engine encodes layers of an
/// image it builds from plain tars (a Docker daemon, a docker-archive); layers stored in another accepted
/// encoding arrive as they are — a copy keeps its digests — unless <see cref="DecodesStored"/> asks for
/// plain tars wherever their size is known. Layers in an encoding not accepted arrive decoded.
/// </summary>
public sealed record LayerFormats(LayerCompression Preferred, IReadOnlyList<LayerCompression> Accepted, bool DecodesStored = false)
{
    private static readonly LayerCompression[] Every = [LayerCompression.Gzip, LayerCompression.Zstd, LayerCompression.None];

    /// <summary>Buckets, registries and OCI layouts store every encoding.</summary>
    public static LayerFormats Stored(LayerCompression preferred) => new(preferred, Every);

    /// <summary>
    /// What <c>docker load</c> takes: plain tars, and gzip (Docker 20.10 loads no zstd). Plain is faster:
    /// the daemon's own gunzip runs after the upload, ours while it streams.
    /// </summary>
    public static readonly LayerFormats DockerLoad = new(LayerCompression.None, [LayerCompression.None, LayerCompression.Gzip], DecodesStored: true);

    /// <summary>A docker-archive file: what <c>docker load</c> takes, as stored (gzip keeps the file small), plain tars as <c>docker save</c> writes them.</summary>
    public static readonly LayerFormats DockerArchive = new(LayerCompression.None, [LayerCompression.None, LayerCompression.Gzip]);

    public bool Accepts(LayerCompression compression) => Accepted.Contains(compression);
}
