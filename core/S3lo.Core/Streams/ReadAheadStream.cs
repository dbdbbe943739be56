using System.IO.Pipelines;

namespace S3lo.Core.Streams;

/// <summary>
/// Reads a stream ahead of its consumer, up to a bound, on a task of its own. A producer that cannot wait
/// (the Docker daemon's export: it tars layers from disk and stalls when its socket buffer fills) then
/// works while the consumer hashes and writes, so the two take max(producer, consumer), not the sum.
/// Errors of the inner stream reach the consumer's next read, unchanged.
/// </summary>
public sealed class ReadAheadStream : ReadOnlyStream
{
    private const int ChunkBytes = 256 * 1024;
    private readonly Stream _inner;
    private readonly Pipe _pipe;
    private readonly Stream _output;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    /// <param name="maxBytesAhead">How far the pump may run ahead (memory held at most, give or take a chunk).</param>
    public ReadAheadStream(Stream inner, long maxBytesAhead)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytesAhead, 2L * ChunkBytes);
        _inner = inner;
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: maxBytesAhead, resumeWriterThreshold: maxBytesAhead / 2,
            minimumSegmentSize: ChunkBytes, useSynchronizationContext: false));
        _output = _pipe.Reader.AsStream();
        _pump = Task.Run(PumpAsync);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _output.ReadAsync(buffer, cancellationToken);

    private async Task PumpAsync()
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var n = await _inner.ReadAsync(_pipe.Writer.GetMemory(ChunkBytes), _stop.Token).ConfigureAwait(false);
                if (n == 0) break;
                _pipe.Writer.Advance(n);
                if ((await _pipe.Writer.FlushAsync(_stop.Token).ConfigureAwait(false)).IsCompleted) break; // the reader is gone
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        await _pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _output.DisposeAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _output.Dispose();
            _pump.GetAwaiter().GetResult();
            _inner.Dispose();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
