using System.IO.Compression;
using System.Security.Cryptography;
using S3lo.Core.Digests;

namespace S3lo.Docker.Tests.Support;

internal static class Hash
{
    public static Digest Of(byte[] bytes) => Digest.Compute(bytes);

    public static Digest OfFile(string path)
    {
        using var file = System.IO.File.OpenRead(path);
        return Digest.FromHex(SHA256.HashData(file));
    }

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
