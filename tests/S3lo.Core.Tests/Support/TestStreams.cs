namespace S3lo.Core.Tests.Support;

/// <summary>
/// Returns at most <paramref name="maxChunk"/> bytes per read, like a network stream; optionally
/// throws an <see cref="IOException"/> once <paramref name="failAfter"/> bytes were handed out
/// (a connection that breaks midway, which a real store cannot be made to do on demand).
/// </summary>
internal sealed class TrickleStream(byte[] content, int maxChunk, long failAfter = -1) : Stream
{
    private int _position;

    public int ReadCalls { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ReadCalls++;
        if (failAfter >= 0 && _position >= failAfter) throw new IOException("connection reset by the test");
        var limit = Math.Min(Math.Min(buffer.Length, maxChunk), content.Length - _position);
        if (failAfter >= 0) limit = (int)Math.Min(limit, failAfter - _position);
        content.AsSpan(_position, limit).CopyTo(buffer);
        _position += limit;
        return limit;
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
