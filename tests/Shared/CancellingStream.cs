namespace S3lo.Tests.Shared;

/// <summary>
/// Cancels <c>cts</c> once <c>cancelAfter</c> bytes went by — Ctrl+C in the middle of an upload, at a
/// chosen moment — and from then on throws on read as a token-honouring stream does. Reads at most
/// <c>maxChunk</c> bytes at a time so the moment is precise.
/// </summary>
public sealed class CancellingStream(Stream inner, CancellationTokenSource cts, long cancelAfter, int maxChunk = 64 * 1024) : ReadOnlyTestStream
{
    private long _read;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        cts.Token.ThrowIfCancellationRequested();
        var n = inner.Read(buffer[..Math.Min(buffer.Length, maxChunk)]);
        _read += n;
        if (_read >= cancelAfter) cts.Cancel();
        return n;
    }
}
