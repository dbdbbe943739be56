using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// The layer encodings a destination takes, and the one it wants for layers the engine encodes itself
/// (an image built from a Docker daemon or a docker-archive). The engine hands a destination only
/// layers in an accepted encoding, decoding the others first.
/// </summary>
public sealed record LayerFormats(LayerCompression Preferred, IReadOnlyList<LayerCompression> Accepted)
{
    /// <summary>Buckets, registries and OCI layouts store every encoding.</summary>
    public static LayerFormats Stored(LayerCompression preferred) =>
        new(preferred, [LayerCompression.Gzip, LayerCompression.Zstd, LayerCompression.None]);

    /// <summary>What <c>docker load</c> takes: plain tars, and gzip (Docker 20.10 loads no zstd).</summary>
    public static readonly LayerFormats DockerLoad = new(LayerCompression.None, [LayerCompression.None, LayerCompression.Gzip]);

    public bool Accepts(LayerCompression compression) => Accepted.Contains(compression);
}
