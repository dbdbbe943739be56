using System.IO.Compression;

namespace S3lo.Tests.Shared;

/// <summary>Layer bytes compressed as a registry or `docker save` would hand them over.</summary>
public static class Compress
{
    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, 3, leaveOpen: true)) zstd.Write(bytes);
        return output.ToArray();
    }
}
