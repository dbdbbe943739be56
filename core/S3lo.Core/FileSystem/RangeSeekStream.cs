using S3lo.Core.Storage;

namespace S3lo.Core.FileSystem;

/// <summary>
/// An object read as a seekable stream: a seek opens a new range read from there, so a tar reader that
/// skips file bodies (it seeks past them when it can) reads the headers and the one body it wants, not the
/// whole layer. Short forward skips read through instead: a request costs more than a few kilobytes.
/// </summary>
internal sealed class RangeSeekStream(IObjectStore store, string key, long length) : Stream
{
    private const long ReadThroughLimit = 64 * 1024;
    private Stream? _body;
    private long _bodyPosition;
    private long _position;

    /// <summary>Range requests made, for measurements.</summary>
    public int Requests { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        if (_body is not null && _position > _bodyPosition && _position - _bodyPosition <= ReadThroughLimit)
        {
            var skip = new byte[_position - _bodyPosition];
            await _body.ReadExactlyAsync(skip, cancellationToken).ConfigureAwait(false);
            _bodyPosition = _position;
        }
        if (_body is null || _bodyPosition != _position)
        {
            if (_body is not null) await _body.DisposeAsync().ConfigureAwait(false);
            _body = null;
            _body = await store.OpenReadRangeAsync(key, _position, length - _position, cancellationToken).ConfigureAwait(false);
            _bodyPosition = _position;
            Requests++;
        }
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        var n = await _body.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new EndOfStreamException($"{key} ended at {_position} of {length} bytes");
        _position += n;
        _bodyPosition += n;
        return n;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _body?.Dispose();
        base.Dispose(disposing);
    }
}
