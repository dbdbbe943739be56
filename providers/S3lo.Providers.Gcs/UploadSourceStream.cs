using System.Buffers;
using S3lo.Core.Streams;

namespace S3lo.Providers.Gcs;

/// <summary>
/// What the resumable upload reads: the caller's stream, read exactly once, in large blocks (the SDK
/// reads 4 KiB at a time), non-seekable so the SDK never seeks it or asks its length. End of stream
/// is reported only after the caller's stream has itself returned end of stream without throwing
/// (it may verify a digest there) and the byte count matched: the SDK sends the final chunk, which
/// is what makes the object visible, only after that.
/// </summary>
internal sealed class UploadSourceStream : ReadOnlyStream
{
    private const int BlockSize = 256 * 1024;
    private readonly Stream _inner;
    private readonly long _expectedLength;
    private readonly string _key;
    private byte[]? _block;
    private int _blockStart;
    private int _blockEnd;
    private bool _innerEnded;

    public UploadSourceStream(Stream inner, long expectedLength, string key)
    {
        _inner = inner;
        _expectedLength = expectedLength;
        _key = key;
        var size = expectedLength is >= 0 and < BlockSize ? (int)expectedLength + 1 : BlockSize;
        _block = ArrayPool<byte>.Shared.Rent(Math.Max(size, 4096));
    }

    /// <summary>Bytes taken from the caller's stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>True when the caller's stream threw or had the wrong length: never retry or resume then.</summary>
    public bool SourceFailed { get; private set; }

    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        if (_blockStart == _blockEnd)
        {
            if (_innerEnded) return 0;
            int n;
            try
            {
                n = _inner.Read(Block);
            }
            catch
            {
                SourceFailed = true;
                throw;
            }
            Accept(n);
            if (n == 0) return 0;
        }
        return CopyOut(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (_blockStart == _blockEnd)
        {
            if (_innerEnded) return 0;
            int n;
            try
            {
                n = await _inner.ReadAsync(Block, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                SourceFailed = true;
                throw;
            }
            Accept(n);
            if (n == 0) return 0;
        }
        return CopyOut(buffer.Span);
    }

    private byte[] Block => _block ?? throw new ObjectDisposedException(nameof(UploadSourceStream));

    private void Accept(int n)
    {
        if (n == 0)
        {
            _innerEnded = true;
            if (_expectedLength >= 0 && BytesRead != _expectedLength) Fail($"{_key}: expected {_expectedLength} bytes, the stream ended after {BytesRead}");
            return;
        }
        BytesRead += n;
        if (_expectedLength >= 0 && BytesRead > _expectedLength) Fail($"{_key}: expected {_expectedLength} bytes, the stream has more");
        _blockStart = 0;
        _blockEnd = n;
    }

    private void Fail(string message)
    {
        SourceFailed = true;
        throw new IOException(message);
    }

    private int CopyOut(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _blockEnd - _blockStart);
        Block.AsSpan(_blockStart, n).CopyTo(buffer);
        _blockStart += n;
        return n;
    }

    /// <summary>Returns the block to the pool; the caller's stream stays open (it belongs to the caller).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _block is { } block)
        {
            _block = null;
            ArrayPool<byte>.Shared.Return(block);
        }
        base.Dispose(disposing);
    }
}
