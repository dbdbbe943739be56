namespace S3lo.Core.Oci;

public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}
