using System.Net;

namespace S3lo.Core.Net;

/// <summary>A request body that reports each chunk written and its end (the idle clock of <see cref="IdleTimeoutHandler"/>).</summary>
internal sealed class ActivityContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly Action _progress;
    private readonly Action _done;

    public ActivityContent(HttpContent inner, Action progress, Action done)
    {
        // A retried request comes back wrapped: wrap its own body again, not the old wrapper (whose clock is gone).
        if (inner is ActivityContent earlier) inner = earlier._inner;
        _inner = inner;
        _progress = progress;
        _done = done;
        foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await _inner.CopyToAsync(new ActivityWriteStream(stream, _progress), cancellationToken).ConfigureAwait(false);
        _done();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
