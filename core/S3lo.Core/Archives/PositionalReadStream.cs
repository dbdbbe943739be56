using Microsoft.Win32.SafeHandles;
using S3lo.Core.Streams;

namespace S3lo.Core.Archives;

/// <summary>A range of a file read by offset (pread): many of them may read one shared handle at once.</summary>
internal sealed class PositionalReadStream(SafeFileHandle handle, long offset, long length) : ReadOnlyStream
{
    private long _position;

    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var want = (int)Math.Min(buffer.Length, length - _position);
        if (want <= 0) return 0;
        var n = RandomAccess.Read(handle, buffer[..want], offset + _position);
        if (n == 0) throw new EndOfStreamException("the archive file ended early (was it changed while being read?)");
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var want = (int)Math.Min(buffer.Length, length - _position);
        if (want <= 0) return 0;
        var n = await RandomAccess.ReadAsync(handle, buffer[..want], offset + _position, cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new EndOfStreamException("the archive file ended early (was it changed while being read?)");
        _position += n;
        return n;
    }

}
