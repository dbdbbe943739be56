namespace S3lo.Core.Net;

/// <summary>
/// The idle clock of one stream or request: one timer, ticking about every idle/4, cancels the token of
/// a wait (<see cref="Begin"/> to <see cref="End"/>) that has gone longer than the idle timeout without a
/// sign of life (<see cref="Touch"/>). A wait costs two stores of the clock, not a timer and a token source
/// of its own: a 10 GB body is hundreds of thousands of reads. Waits do not overlap (a stream's reads are
/// one at a time); <see cref="Touch"/> may come from any thread.
/// </summary>
internal sealed class IdleWatchdog : IDisposable
{
    private const long NotWaiting = 0;
    private const long Fired = -1;

    private readonly TimeSpan _idle;
    private CancellationTokenSource _source = new();
    private Timer? _timer;
    // When the current wait last showed life (Environment.TickCount64, never 0); NotWaiting between
    // waits; Fired once the timer has claimed the wait and is cancelling its token.
    private long _waitingSince;
    private bool _spent;

    public IdleWatchdog(TimeSpan idle) => _idle = idle;

    internal bool Ticking => _timer is not null;

    /// <summary>Starts a wait and returns the token that ends it when it goes idle.</summary>
    public CancellationToken Begin()
    {
        if (_spent || _source.IsCancellationRequested)
        {
            // The last wait went idle (or the timer claimed it just as it ended): a fresh token for this one.
            _source = new CancellationTokenSource();
            _spent = false;
        }
        Volatile.Write(ref _waitingSince, Now());
        // The first wait starts the clock; the timer holds the watchdog weakly, so one never disposed is
        // still collected and its timer with it.
        _timer ??= new Timer(static state =>
        {
            if (((WeakReference<IdleWatchdog>)state!).TryGetTarget(out var watchdog)) watchdog.Check();
        }, new WeakReference<IdleWatchdog>(this), Period(), Period());
        return _source.Token;
    }

    /// <summary>The current wait saw a byte: its idle time starts again.</summary>
    public void Touch()
    {
        var since = Volatile.Read(ref _waitingSince);
        // Only a running wait is renewed: not between waits, and not one the timer already gave up.
        if (since > 0) Interlocked.CompareExchange(ref _waitingSince, Now(), since);
    }

    /// <summary>Ends the current wait.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _waitingSince, NotWaiting) == Fired) _spent = true;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void Check()
    {
        // The wait first, then its token: Begin stores them the other way round, so this token is the wait's.
        var since = Volatile.Read(ref _waitingSince);
        var source = Volatile.Read(ref _source);
        if (since <= 0 || Now() - since < (long)_idle.TotalMilliseconds) return;
        // Claimed only if the wait is still the one seen idle: a wait that ended or started meanwhile is left alone.
        if (Interlocked.CompareExchange(ref _waitingSince, Fired, since) != since) return;
        source.Cancel();
    }

    // A Timer period must stay under ~49 days; a stall is caught within about a quarter of the idle time late.
    private TimeSpan Period() => TimeSpan.FromMilliseconds(Math.Clamp(_idle.TotalMilliseconds / 4, 10, TimeSpan.FromDays(1).TotalMilliseconds));

    private static long Now() => Math.Max(1, Environment.TickCount64);
}
