using System.Buffers;
using System.Globalization;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Compression;

/// <summary>
/// How far a compressed layer may grow when it is decompressed to disk: to the tar size recorded for it
/// when one is known, else to <see cref="Ratio"/> times its compressed size (at least <see cref="Floor"/>).
/// A few KB of zstd can expand to terabytes; this stops such a bomb before it fills the disk. The ratio is
/// <c>S3LO_MAX_DECOMPRESSION_RATIO</c> (default <see cref="DefaultRatio"/>; docs/decompression-limit.md).
/// </summary>
public static class DecompressionLimit
{
    public const string RatioVariable = "S3LO_MAX_DECOMPRESSION_RATIO";
    public const int DefaultRatio = 100;

    /// <summary>Small layers (an empty tar is 1 KiB of mostly zeros) are never held to the ratio alone.</summary>
    public const long Floor = 16L * 1024 * 1024;

    private const int BufferSize = 1 << 20;

    public static long Ratio
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(RatioVariable);
            if (string.IsNullOrEmpty(text)) return DefaultRatio;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ratio) && ratio >= 1) return ratio;
            throw new UsageException($"{RatioVariable} is '{text}', not a whole number of 1 or more", $"unset it for the default of {DefaultRatio}");
        }
    }

    /// <summary>The most bytes the layer may decompress to; <paramref name="recordedSize"/> is its known tar size.</summary>
    public static long For(Descriptor layer, long? recordedSize = null) =>
        recordedSize is >= 0 ? recordedSize.Value : Math.Max(Floor, SaturatingMultiply(Math.Max(layer.Size, 0), Ratio));

    /// <summary>Copies decompressed bytes into <paramref name="destination"/>, failing once more than <paramref name="limit"/> arrive.</summary>
    public static async Task CopyAsync(Stream decompressed, Stream destination, long limit, string what, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int n;
            while ((n = await decompressed.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false)) > 0)
            {
                total += n;
                if (total > limit) throw TooLarge(what, limit);
                await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static S3loException TooLarge(string what, long limit) =>
        new($"{what} decompresses to more than {limit} bytes, its limit; refused as a possible decompression bomb, nothing kept",
            $"if the layer is genuine, raise {RatioVariable} (now {Ratio}; the limit is that many times the compressed size)");

    private static long SaturatingMultiply(long a, long b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;
}
