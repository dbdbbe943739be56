using System.IO.Compression;
using S3lo.Core.Oci;

namespace S3lo.Core.Compression;

/// <summary>
/// Compresses layer tars deterministically: the same input always yields the same bytes (fixed
/// level, no timestamps, fixed gzip OS byte, output independent of the core count), so the same
/// layer always gets the same blob digest. gzip: fastest deflate level in parallel 1 MiB blocks;
/// zstd: level 3 on every core.
/// </summary>
public static class LayerCompressor
{
    public const int ZstdLevel = 3;
    private const int BufferSize = 1 << 20;

    /// <summary>Compresses <paramref name="sourcePath"/> into <paramref name="destinationPath"/>; returns the blob's descriptor.</summary>
    public static async Task<Descriptor> CompressFileAsync(string sourcePath, string destinationPath, LayerCompression compression, CancellationToken ct)
    {
        await using var input = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var writer = new CompressedBlobWriter(destinationPath, compression, input.Length);
        await input.CopyToAsync(writer.Input, BufferSize, ct).ConfigureAwait(false);
        return await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A stream that decompresses a stored layer back to its tar.</summary>
    public static Stream OpenDecompressor(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.None => compressed,
        LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress),
        LayerCompression.Zstd => new ZstdSharp.DecompressionStream(compressed),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };
}
