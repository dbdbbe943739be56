using Microsoft.Win32.SafeHandles;

namespace S3lo.Core.Archives;

/// <summary>A range of a file read by offset (pread): many of them may read one shared handle at once.</summary>
internal sealed class PositionalReadStream(SafeFileHandle handle, long offset, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var want = (int)Math.Min(buffer.Length, length - _position);
        if (want <= 0) return 0;
        var n = RandomAccess.Read(handle, buffer[..want], offset + _position);
        if (n == 0) throw new EndOfStreamException("the archive file ended early (was it changed while being read?)");
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var want = (int)Math.Min(buffer.Length, length - _position);
        if (want <= 0) return 0;
        var n = await RandomAccess.ReadAsync(handle, buffer[..want], offset + _position, cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new EndOfStreamException("the archive file ended early (was it changed while being read?)");
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
