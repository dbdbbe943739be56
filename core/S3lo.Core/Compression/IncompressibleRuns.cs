namespace S3lo.Core.Compression;

/// <summary>
/// Cuts a block into runs that deflate would shrink and runs it would not, by each 64 KiB piece's byte
/// entropy: compressed or encrypted content (archives, images, already-gzipped files, random data) has
/// nearly 8 bits a byte, and deflate spends as much time on it as on text to save nothing. A decision
/// depends only on the bytes, so the same layer always gives the same blob.
/// </summary>
internal static class IncompressibleRuns
{
    public const int PieceSize = 64 * 1024;

    // Above this many bits per byte deflate's gain is under 1% (measured on random and gzip data),
    // while text, binaries and tar headers sit well below 7.
    private const double StoreAboveBitsPerByte = 7.95;

    public static List<(int Start, int Count, bool Stored)> Split(ReadOnlySpan<byte> block)
    {
        var runs = new List<(int Start, int Count, bool Stored)>(4);
        for (var start = 0; start < block.Length; start += PieceSize)
        {
            var count = Math.Min(PieceSize, block.Length - start);
            // Short pieces are deflated: the entropy of a few bytes says nothing.
            var stored = count == PieceSize && BitsPerByte(block.Slice(start, count)) > StoreAboveBitsPerByte;
            if (runs.Count > 0 && runs[^1].Stored == stored)
                runs[^1] = (runs[^1].Start, runs[^1].Count + count, stored);
            else
                runs.Add((start, count, stored));
        }
        return runs;
    }

    /// <summary>Order-0 (Shannon) entropy of the bytes, 0 to 8.</summary>
    public static double BitsPerByte(ReadOnlySpan<byte> bytes)
    {
        Span<int> counts = stackalloc int[256];
        foreach (var b in bytes) counts[b]++;
        double bits = 0, total = bytes.Length;
        foreach (var c in counts)
        {
            if (c == 0) continue;
            var p = c / total;
            bits -= p * Math.Log2(p);
        }
        return bits;
    }
}
