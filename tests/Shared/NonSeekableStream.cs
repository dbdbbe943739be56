namespace S3lo.Tests.Shared;

/// <summary>Hides a stream's length and position, as a pipe or a socket would.</summary>
public sealed class NonSeekableStream(Stream inner) : ReadOnlyTestStream
{
    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);
}
