using S3lo.Core.Oci;

namespace S3lo.Docker.SaveFormat;

/// <summary>Tells a layer file's compression from its first bytes (docker load accepts gzip in layer.tar, tools write zstd too).</summary>
internal static class LayerMagic
{
    public const int HeadBytes = 8;

    public static LayerCompression Sniff(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]) ? LayerCompression.Gzip
        : head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]) ? LayerCompression.Zstd
        : LayerCompression.None;

    /// <summary>Configs and manifests are JSON objects; layers (tar, gzip, zstd) never start with '{'.</summary>
    public static bool LooksLikeJson(ReadOnlySpan<byte> head)
    {
        var trimmed = head.TrimStart(" \t\r\n"u8);
        return trimmed.IsEmpty || trimmed[0] is (byte)'{' or (byte)'[';
    }
}
