using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace S3lo.Core.Streams;

/// <summary>
/// Reads a stream ahead of its consumer, up to a bound, on a task of its own. A producer that cannot wait
/// (the Docker daemon's export: it tars layers from disk and stalls when its socket buffer fills) then
/// works while the consumer hashes and writes, so the two take max(producer, consumer), not the sum.
/// The buffers are allocated once and cycled, so a 2 GB layer costs no more memory than a small one.
/// Errors of the inner stream reach the consumer's next read, unchanged.
/// </summary>
public sealed class ReadAheadStream : ReadOnlyStream
{
    public const int ChunkBytes = 1024 * 1024;

    private readonly Stream _inner;
    private readonly Channel<byte[]> _free = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<Chunk> _filled = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private Chunk? _current;
    private int _offset;
    private bool _ended;
    private bool _disposed;

    /// <param name="chunks">How many 1 MiB buffers may be filled ahead of the consumer (the memory held).</param>
    public ReadAheadStream(Stream inner, int chunks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 2);
        _inner = inner;
        for (var i = 0; i < chunks; i++) _free.Writer.TryWrite(GC.AllocateUninitializedArray<byte>(ChunkBytes));
        _pump = Task.Run(PumpAsync);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _ended) return 0;
        if (_current is null || _offset == _current.Count)
        {
            if (_current is not null) _free.Writer.TryWrite(_current.Buffer);
            _current = await _filled.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _offset = 0;
            _current.Failure?.Throw();
            if (_current.Count == 0)
            {
                _ended = true;
                return 0;
            }
        }
        var n = Math.Min(buffer.Length, _current.Count - _offset);
        _current.Buffer.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return n;
    }

    // Fills each buffer whole before handing it over: socket reads come a few kilobytes at a time.
    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var buffer = await _free.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var count = 0;
                int n;
                do
                {
                    n = await _inner.ReadAsync(buffer.AsMemory(count), _stop.Token).ConfigureAwait(false);
                    count += n;
                }
                while (n > 0 && count < buffer.Length);
                if (count > 0) _filled.Writer.TryWrite(new Chunk(buffer, count, null));
                if (n == 0)
                {
                    _filled.Writer.TryWrite(new Chunk([], 0, null));
                    return;
                }
            }
        }
        catch (Exception e)
        {
            _filled.Writer.TryWrite(new Chunk([], 0, ExceptionDispatchInfo.Capture(e)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _stop.CancelAsync().ConfigureAwait(false);
            await _pump.ConfigureAwait(false);
            await _inner.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            _pump.GetAwaiter().GetResult();
            _inner.Dispose();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed record Chunk(byte[] Buffer, int Count, ExceptionDispatchInfo? Failure);
}
