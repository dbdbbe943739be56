using S3lo.Core.Streams;
namespace S3lo.Providers.Gcs;

/// <summary>
/// The body of a media download, read straight off the connection (nothing buffered beyond the
/// socket), owning its response. <see cref="Length"/> is the number of bytes the caller asked for.
/// When a server ignored a Range header, the bytes before the range are skipped here. A length
/// of -1 (no Content-Length) reads to the end of the body.
/// </summary>
internal sealed class MediaDownloadStream : ReadOnlyStream
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly long _length;
    private long _skip;
    private long _remaining;

    public MediaDownloadStream(HttpResponseMessage response, Stream body, long length, long skip)
    {
        _response = response;
        _body = body;
        _length = length;
        _remaining = length;
        _skip = skip;
    }

    public override long Length => _length >= 0 ? _length : throw new NotSupportedException();
    public override long Position { get => _length >= 0 ? _length - _remaining : throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        while (_skip > 0)
        {
            var scratch = new byte[(int)Math.Min(_skip, 81920)];
            var skipped = _body.Read(scratch);
            if (skipped == 0) throw Truncated();
            _skip -= skipped;
        }
        if (_length < 0) return _body.Read(buffer);
        if (_remaining <= 0 || buffer.Length == 0) return 0;
        var n = _body.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        return Account(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_skip > 0)
        {
            var scratch = new byte[(int)Math.Min(_skip, 81920)];
            var skipped = await _body.ReadAsync(scratch, cancellationToken).ConfigureAwait(false);
            if (skipped == 0) throw Truncated();
            _skip -= skipped;
        }
        if (_length < 0) return await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (_remaining <= 0 || buffer.Length == 0) return 0;
        var n = await _body.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        return Account(n);
    }

    private int Account(int n)
    {
        if (n == 0) throw Truncated();
        _remaining -= n;
        return n;
    }

    private IOException Truncated() =>
        new($"the download from {_response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)} ended after {_length - _remaining} of {_length} bytes");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _response.Dispose();
        }
        base.Dispose(disposing);
    }
}
