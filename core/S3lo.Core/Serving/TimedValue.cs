namespace S3lo.Core.Serving;

/// <summary>
/// One value read from the store and kept for a time-to-live (the repository list of _catalog);
/// concurrent reads while it is stale share one load. A zero time-to-live loads every time.
/// </summary>
internal sealed class TimedValue<T>(TimeSpan ttl, TimeProvider clock) where T : class
{
    private readonly SingleFlight<int, T> _load = new();
    private readonly Lock _lock = new();
    private (T Value, DateTimeOffset Expires)? _current;
    private long _generation;

    public async Task<T> GetAsync(Func<CancellationToken, Task<T>> load, CancellationToken ct)
    {
        if (ttl <= TimeSpan.Zero) return await load(ct).ConfigureAwait(false);
        long generation;
        lock (_lock)
        {
            if (_current is { } current && clock.GetUtcNow() < current.Expires) return current.Value;
            generation = _generation;
        }
        var loading = _load.Run(0, async () =>
        {
            var value = await load(CancellationToken.None).ConfigureAwait(false);
            lock (_lock)
            {
                if (generation == _generation) _current = (value, clock.GetUtcNow() + ttl);
            }
            return value;
        }, out _);
        return await loading.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The next read loads again (and a load running now is not kept).</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _generation++;
            _current = null;
        }
        _load.Forget(0);
    }
}
