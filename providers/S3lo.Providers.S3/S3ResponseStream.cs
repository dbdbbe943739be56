using Amazon.S3.Model;
using S3lo.Core.Streams;

namespace S3lo.Providers.S3;

/// <summary>A GetObject body that knows its length and releases the response (and its connection) when disposed.</summary>
internal sealed class S3ResponseStream(GetObjectResponse response) : ReadOnlyStream
{
    private readonly Stream _body = response.ResponseStream;
    private long _position;

    public override long Length => response.ContentLength;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = _body.Read(buffer);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}
