using S3lo.Core.Streams;

namespace S3lo.Core.Serving;

/// <summary>
/// A stream from the store that takes a <see cref="StorageGate"/> slot for each read and gives it back
/// before the caller does anything with the bytes (such as writing them to a slow client).
/// </summary>
internal sealed class GatedReadStream(Stream inner, StorageGate gate) : ReadOnlyStream
{
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using (await gate.EnterAsync(cancellationToken).ConfigureAwait(false))
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override int Read(Span<byte> buffer)
    {
        using (gate.Enter())
            return inner.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
