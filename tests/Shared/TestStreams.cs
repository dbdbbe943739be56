using System.Security.Cryptography;

namespace S3lo.Tests.Shared;

public static class Bytes
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

public enum EndFailure
{
    None,
    /// <summary>The read that would deliver the last bytes throws (core's VerifyingReadStream).</summary>
    OnLastBytes,
    /// <summary>All bytes are delivered; the read that reports the end throws.</summary>
    OnEndOfStream,
}

/// <summary>
/// A forward-only source like a network stream. Throws <see cref="IOException"/> once
/// <c>failAfter</c> bytes were handed out, or at its end as a digest-verifying stream does on a mismatch.
/// </summary>
public sealed class SourceStream(byte[] data, long failAfter = -1, EndFailure atEnd = EndFailure.None) : Stream
{
    private int _position;

    public int Reads { get; private set; }
    public bool EndReached { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        var n = Math.Min(buffer.Length, data.Length - _position);
        if (failAfter >= 0 && _position + n > failAfter) throw new IOException($"source failed after {failAfter} bytes");
        if (atEnd == EndFailure.OnLastBytes && _position + n >= data.Length || atEnd == EndFailure.OnEndOfStream && n == 0)
            throw new IOException("digest mismatch at the end of the source");
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        if (n == 0) EndReached = true;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
