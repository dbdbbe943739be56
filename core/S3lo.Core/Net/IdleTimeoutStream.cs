using System.Buffers;
using System.Runtime.CompilerServices;

namespace S3lo.Core.Net;

/// <summary>
/// A read stream whose every read must bring a byte within the idle timeout, else it fails with an
/// <see cref="IOException"/> (as a reset connection would). Synchronous reads wait on the same
/// asynchronous read, so they are bounded too. One <see cref="IdleWatchdog"/> watches all the reads.
/// </summary>
public sealed class IdleTimeoutStream(Stream inner, TimeSpan idle) : Stream
{
    private readonly IdleWatchdog? _watchdog = idle == Timeout.InfiniteTimeSpan ? null : new IdleWatchdog(idle);
    // The caller's token joined with the watchdog's, kept while both stay the same (a copy passes one token to every read).
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedCaller;
    private CancellationToken _linkedWatch;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    /// <summary>Whether the watchdog's timer runs (from the first read until disposal).</summary>
    internal bool Watching => _watchdog?.Ticking ?? false;

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length, 81920));
        try
        {
            var n = Read(rented, 0, Math.Min(buffer.Length, rented.Length));
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Pooled: a read that waits on the socket would otherwise allocate its state machine every time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _watchdog is null) return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var watch = _watchdog.Begin();
        try
        {
            return await inner.ReadAsync(buffer, Join(cancellationToken, watch)).ConfigureAwait(false);
        }
        catch (Exception e) when (watch.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && e is OperationCanceledException or IOException or HttpRequestException)
        {
            throw new IdleTimeoutException($"the connection stalled: no data for {IdleTimeout.Describe(idle)} ({IdleTimeout.Variable})");
        }
        finally
        {
            _watchdog.End();
        }
    }

    private CancellationToken Join(CancellationToken caller, CancellationToken watch)
    {
        if (!caller.CanBeCanceled) return watch;
        if (_linked is null || caller != _linkedCaller || watch != _linkedWatch)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, watch);
            (_linkedCaller, _linkedWatch) = (caller, watch);
        }
        return _linked.Token;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopWatching();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        StopWatching();
        return inner.DisposeAsync();
    }

    private void StopWatching()
    {
        _watchdog?.Dispose();
        _linked?.Dispose();
        _linked = null;
    }
}
