namespace S3lo.Core.Serving;

/// <summary>
/// Concurrent loads of one key share one run: the first caller starts it, the others await the same
/// task. The run is not cancelled when one waiter gives up (the others still want the result): it runs
/// with no token and each waiter stops waiting on its own. A failure reaches every waiter and is not kept.
/// </summary>
internal sealed class SingleFlight<TKey, TValue> where TKey : notnull
{
    private readonly Dictionary<TKey, Task<TValue>> _running = new();
    private readonly Lock _lock = new();

    /// <param name="shared">true when the caller joined a run that another caller started.</param>
    public Task<TValue> Run(TKey key, Func<Task<TValue>> load, out bool shared)
    {
        TaskCompletionSource<TValue> started;
        lock (_lock)
        {
            if (_running.TryGetValue(key, out var running))
            {
                shared = true;
                return running;
            }
            started = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            _running[key] = started.Task;
        }
        shared = false;
        _ = CompleteAsync(key, started, load);
        return started.Task;
    }

    /// <summary>Lets the next caller start a fresh run (what is running now may be stale).</summary>
    public void Forget(TKey key)
    {
        lock (_lock) _running.Remove(key);
    }

    private async Task CompleteAsync(TKey key, TaskCompletionSource<TValue> started, Func<Task<TValue>> load)
    {
        try
        {
            var value = await Task.Run(load).ConfigureAwait(false);
            Remove(key, started.Task);
            started.SetResult(value);
        }
        catch (Exception e)
        {
            Remove(key, started.Task);
            started.SetException(e);
        }
    }

    private void Remove(TKey key, Task<TValue> task)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(key, out var current) && current == task) _running.Remove(key);
        }
    }
}
