namespace S3lo.Tests.Shared;

/// <summary>
/// Cancels <c>cts</c> once <c>cancelAfter</c> bytes went by — Ctrl+C in the middle of an upload, at a
/// chosen moment — and from then on throws on read as a token-honouring stream does. Reads at most
/// <c>maxChunk</c> bytes at a time so the moment is precise.
/// </summary>
public sealed class CancellingStream(Stream inner, CancellationTokenSource cts, long cancelAfter, int maxChunk = 64 * 1024) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        cts.Token.ThrowIfCancellationRequested();
        var n = inner.Read(buffer[..Math.Min(buffer.Length, maxChunk)]);
        _read += n;
        if (_read >= cancelAfter) cts.Cancel();
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
