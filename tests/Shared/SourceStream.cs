namespace S3lo.Tests.Shared;

public enum EndFailure
{
    None,
    /// <summary>The read that would deliver the last bytes throws (core's VerifyingReadStream).</summary>
    OnLastBytes,
    /// <summary>All bytes are delivered; the read that reports the end throws.</summary>
    OnEndOfStream,
}

/// <summary>
/// A forward-only source like a network stream: at most <c>maxChunk</c> bytes per read. Hands out
/// <c>failAfter</c> bytes and then throws <see cref="IOException"/> (a connection that breaks midway,
/// which no real server can be made to do on demand), or fails at its end as a digest-verifying
/// stream does on a mismatch.
/// </summary>
public sealed class SourceStream(byte[] data, long failAfter = -1, EndFailure atEnd = EndFailure.None, int maxChunk = int.MaxValue) : ReadOnlyTestStream
{
    private int _position;

    public int Reads { get; private set; }
    public bool EndReached { get; private set; }

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        if (failAfter >= 0 && _position >= failAfter) throw new IOException("connection reset by the test");
        var n = Math.Min(Math.Min(buffer.Length, maxChunk), data.Length - _position);
        if (failAfter >= 0) n = (int)Math.Min(n, failAfter - _position);
        if (atEnd == EndFailure.OnLastBytes && _position + n >= data.Length || atEnd == EndFailure.OnEndOfStream && n == 0 && buffer.Length > 0)
            throw new IOException("digest mismatch at the end of the source");
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        if (n == 0) EndReached = true;
        return n;
    }
}
