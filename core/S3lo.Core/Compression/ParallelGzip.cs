using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace S3lo.Core.Compression;

/// <summary>
/// gzip on every core, deterministically: the input is cut into fixed 1 MiB blocks, each deflated
/// on its own and ended with a sync flush (the last one with the final block), and the pieces are
/// written in order — one valid gzip member, as pigz makes (without its dictionary priming,
/// which .NET's deflate cannot do; the cost is about 1% in size). The output depends only on the
/// input bytes, never on the number of cores or on timing.
/// </summary>
internal static class ParallelGzip
{
    private const int BlockSize = 1 << 20;

    // mtime 0, no flags, OS 255 ("unknown", as Go writes it): the same bytes on every OS.
    private static readonly byte[] Header = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff];

    public static async Task CompressAsync(Stream input, long length, Stream output, CancellationToken ct)
    {
        await output.WriteAsync(Header, ct).ConfigureAwait(false);
        var crc = new Crc32();
        var blocks = Math.Max(1, (length + BlockSize - 1) / BlockSize);
        var inFlight = new Queue<Task<byte[]>>();
        var window = Math.Max(2, Environment.ProcessorCount * 2);
        long total = 0;
        for (long i = 0; i < blocks; i++)
        {
            var size = (int)Math.Min(BlockSize, length - i * BlockSize);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
            await input.ReadExactlyAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
            crc.Append(buffer.AsSpan(0, size));
            total += size;
            var last = i == blocks - 1;
            inFlight.Enqueue(Task.Run(() =>
            {
                try
                {
                    return Deflate(buffer.AsSpan(0, size), last);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }, ct));
            if (inFlight.Count >= window) await output.WriteAsync(await inFlight.Dequeue().ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        while (inFlight.Count > 0) await output.WriteAsync(await inFlight.Dequeue().ConfigureAwait(false), ct).ConfigureAwait(false);
        if (input.ReadByte() != -1) throw new IOException("the layer grew while it was being compressed");

        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)total);
        await output.WriteAsync(trailer, ct).ConfigureAwait(false);
    }

    // An empty final block: .NET's deflate writes nothing at all for an empty input.
    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    private static byte[] Deflate(ReadOnlySpan<byte> block, bool last)
    {
        if (block.IsEmpty) return last ? EmptyFinalBlock : [];
        using var compressed = new MemoryStream(block.Length / 2 + 64);
        var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
        deflate.Write(block);
        if (last)
        {
            deflate.Dispose();
            return compressed.ToArray();
        }
        // A sync flush ends the block on a byte boundary without the final-block bit: blocks concatenate.
        deflate.Flush();
        var result = compressed.ToArray();
        deflate.Dispose();
        return result;
    }
}
