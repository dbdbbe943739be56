using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace S3lo.Core.Compression;

/// <summary>
/// A write-only stream that gzips on every core, deterministically: the input is cut into fixed
/// 1 MiB blocks, each deflated on its own and ended with a sync flush (the last one with the final
/// block), and the pieces are written in order — one valid gzip member, as pigz makes (without
/// its dictionary priming, which .NET's deflate cannot do; about 1% larger). The output depends
/// only on the input bytes: not on how writes are chunked, the number of cores, or timing. Runs that
/// look incompressible (<see cref="IncompressibleRuns"/>) are written as stored blocks.
/// </summary>
internal sealed class ParallelGzipWriter : Stream
{
    private const int BlockSize = 1 << 20;

    // mtime 0, no flags, OS 255 ("unknown", as Go writes it): the same bytes on every OS.
    private static readonly byte[] Header = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff];
    // .NET's deflate writes nothing at all for an empty input; a gzip member needs a final block.
    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    private readonly Stream _output;
    private readonly long _length;
    private readonly Crc32 _crc = new();
    private readonly Queue<Task<PooledBytes>> _inFlight = new();
    private readonly int _window = Environment.ProcessorCount + 1;
    private byte[] _block;
    private int _filled;
    private long _consumed;
    private bool _headerWritten;
    private bool _finished;

    /// <param name="length">The exact number of bytes that will be written: it tells which block is the last.</param>
    public ParallelGzipWriter(Stream output, long length)
    {
        _output = output;
        _length = length;
        _block = ArrayPool<byte>.Shared.Rent(BlockSize);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _consumed;
    public override long Position { get => _consumed; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_consumed + buffer.Length > _length) throw new IOException($"more than the announced {_length} bytes were written");
        if (!_headerWritten)
        {
            await _output.WriteAsync(Header, cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(BlockSize - _filled, buffer.Length);
            buffer.Span[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            _consumed += take;
            buffer = buffer[take..];
            if (_filled == BlockSize && _consumed < _length) await StartBlockAsync(last: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Compresses what is left, writes the trailer. Must be called once all announced bytes were written.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        if (_finished) return;
        if (_consumed != _length) throw new IOException($"{_consumed} of the announced {_length} bytes were written");
        if (!_headerWritten)
        {
            await _output.WriteAsync(Header, ct).ConfigureAwait(false);
            _headerWritten = true;
        }
        await StartBlockAsync(last: true, ct).ConfigureAwait(false);
        while (_inFlight.Count > 0) await WriteOldestAsync(ct).ConfigureAwait(false);
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)_length);
        await _output.WriteAsync(trailer, ct).ConfigureAwait(false);
        _finished = true;
    }

    private async Task StartBlockAsync(bool last, CancellationToken ct)
    {
        var block = _block;
        var size = _filled;
        _crc.Append(block.AsSpan(0, size));
        _inFlight.Enqueue(Task.Run(() =>
        {
            try
            {
                return Deflate(block.AsSpan(0, size), last);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(block);
            }
        }, ct));
        _block = last ? [] : ArrayPool<byte>.Shared.Rent(BlockSize);
        _filled = 0;
        // Bounded: memory is a few blocks however big the layer.
        if (_inFlight.Count >= _window) await WriteOldestAsync(ct).ConfigureAwait(false);
    }

    private async Task WriteOldestAsync(CancellationToken ct)
    {
        var piece = await _inFlight.Dequeue().ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(piece.Buffer.AsMemory(0, piece.Length), ct).ConfigureAwait(false);
        }
        finally
        {
            piece.Return();
        }
    }

    // Pooled buffers in and out: a 2 GB layer is 2,000 blocks, and fresh megabyte arrays for each
    // would pile up on the large-object heap faster than the GC gives the memory back.
    private static PooledBytes Deflate(ReadOnlySpan<byte> block, bool last)
    {
        if (block.IsEmpty) return last ? PooledBytes.Copy(EmptyFinalBlock) : PooledBytes.Copy([]);
        // Deflate's worst case (stored blocks) is a few bytes per 16 KiB over the input.
        var output = ArrayPool<byte>.Shared.Rent(block.Length + block.Length / 1024 + 1024);
        var length = 0;
        // Runs of data that cannot shrink (compressed files, random bytes) are stored, not searched for
        // matches: deflate spends as long on them as on text and saves nothing.
        foreach (var (start, count, stored) in IncompressibleRuns.Split(block))
        {
            var run = block.Slice(start, count);
            var final = last && start + count == block.Length;
            length += stored ? WriteStored(run, final, output.AsSpan(length)) : WriteDeflated(run, final, output, length);
        }
        return new PooledBytes(output, length);
    }

    private static int WriteDeflated(ReadOnlySpan<byte> run, bool final, byte[] output, int offset)
    {
        using var compressed = new MemoryStream(output, offset, output.Length - offset, writable: true);
        var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
        deflate.Write(run);
        if (final)
        {
            deflate.Dispose();
            return (int)compressed.Position;
        }
        // A sync flush ends the block on a byte boundary without the final-block bit: blocks concatenate.
        deflate.Flush();
        var length = (int)compressed.Position;
        deflate.Dispose();
        return length;
    }

    /// <summary>Stored deflate blocks (RFC 1951 3.2.4): a header byte, LEN, NLEN, the bytes; byte-aligned, so they concatenate.</summary>
    private static int WriteStored(ReadOnlySpan<byte> run, bool final, Span<byte> output)
    {
        var written = 0;
        while (!run.IsEmpty)
        {
            var count = Math.Min(run.Length, ushort.MaxValue);
            output[written] = (byte)(final && count == run.Length ? 1 : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(output[(written + 1)..], (ushort)count);
            BinaryPrimitives.WriteUInt16LittleEndian(output[(written + 3)..], (ushort)~count);
            run[..count].CopyTo(output[(written + 5)..]);
            written += 5 + count;
            run = run[count..];
        }
        return written;
    }

    private readonly record struct PooledBytes(byte[] Buffer, int Length)
    {
        public static PooledBytes Copy(byte[] bytes)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, bytes.Length));
            bytes.CopyTo(buffer, 0);
            return new PooledBytes(buffer, bytes.Length);
        }

        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _block.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = [];
        }
        base.Dispose(disposing);
    }
}
