using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// A bound on the storage calls 's3lo serve' has in progress at once, over every request (--max-storage-calls):
/// a burst of pulls queues here instead of opening hundreds of store connections and meeting throttling
/// (S3 503 SlowDown) or exhausted sockets.
/// <para>
/// A slot is held for one call: a HEAD, a PUT, one page of a listing, opening a stream, one read from an
/// open stream. It is never held while a response is written to a client: a blob copied to a slow client
/// takes a slot only for each read from the store and gives it back while the client drains the bytes, so
/// a few slow downloads cannot starve every other request. What the gate does not bound is the number of
/// store responses left open between reads (one per blob being served).
/// </para>
/// Calls never nest inside one slot (each wrapped call goes straight to the unwrapped store), so the gate
/// cannot deadlock on itself.
/// </summary>
public sealed class StorageGate
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;

    public StorageGate(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    public int Limit { get; }

    /// <summary>Storage calls in progress now (for /metrics).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Waits for a slot; disposing the result gives it back.</summary>
    public async ValueTask<Slot> EnterAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        Interlocked.Increment(ref _inFlight);
        return new Slot(this);
    }

    /// <summary>The synchronous form, for a synchronous stream read.</summary>
    public Slot Enter()
    {
        _slots.Wait();
        Interlocked.Increment(ref _inFlight);
        return new Slot(this);
    }

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var slot = await EnterAsync(ct).ConfigureAwait(false);
        return await call(ct).ConfigureAwait(false);
    }

    public async Task RunAsync(Func<CancellationToken, Task> call, CancellationToken ct)
    {
        using var slot = await EnterAsync(ct).ConfigureAwait(false);
        await call(ct).ConfigureAwait(false);
    }

    /// <summary>The store with every call through this gate (streams it opens take a slot per read).</summary>
    public IObjectStore Wrap(IObjectStore store) =>
        store is ILocalFileStore ? new GatedLocalObjectStore(store, this) : new GatedObjectStore(store, this);

    /// <summary>
    /// The bucket over <see cref="Wrap(IObjectStore)"/>; disposing it leaves <paramref name="bucket"/>'s store open.
    /// </summary>
    public ImageBucket Wrap(ImageBucket bucket) => new(Wrap(bucket.Store));

    private void Exit()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots.Release();
    }

    public readonly struct Slot(StorageGate gate) : IDisposable
    {
        public void Dispose() => gate?.Exit();
    }
}
