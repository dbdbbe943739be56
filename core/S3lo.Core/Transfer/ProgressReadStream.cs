using S3lo.Core.Streams;
namespace S3lo.Core.Transfer;

/// <summary>Reports the running byte count of a read-through stream (for progress bars).</summary>
internal sealed class ProgressReadStream(Stream inner, Action<long> report) : ReadOnlyStream
{
    private long _total;

    public override long Length => inner.Length;
    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int n)
    {
        if (n > 0)
        {
            _total += n;
            report(_total);
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
