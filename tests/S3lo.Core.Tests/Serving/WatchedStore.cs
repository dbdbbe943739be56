using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using S3lo.Core.Storage;

namespace S3lo.Core.Tests.Serving;

/// <summary>
/// A real store that records what the reader asks of it: the prefixes listed, the keys opened, and how
/// many calls (a HEAD, an open, one read of a stream, one step of a listing) were in progress at once.
/// In-process because no real server reports its concurrent requests or lets a test hold one read open.
/// </summary>
internal sealed class WatchedStore(IObjectStore inner) : IObjectStore
{
    private int _inFlight;
    private int _maxInFlight;

    public ConcurrentQueue<string> Listed { get; } = new();
    public ConcurrentQueue<string> Opened { get; } = new();
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>How long each call takes at least, so that concurrent calls overlap.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Opens of keys it matches wait for this task (to hold concurrent misses in one read).</summary>
    public Func<string, Task>? BeforeOpen { get; set; }

    public string DisplayName => inner.DisplayName;

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct) => CallAsync(() => inner.HeadAsync(key, ct));

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => CallAsync(async () =>
    {
        Opened.Enqueue(key);
        if (BeforeOpen is { } wait) await wait(key);
        return (Stream)new WatchedStream(await inner.OpenReadAsync(key, ct), this);
    });

    public Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct) => CallAsync(async () =>
    {
        Opened.Enqueue(key);
        return (Stream)new WatchedStream(await inner.OpenReadRangeAsync(key, offset, length, ct), this);
    });

    public Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct) =>
        CallAsync(() => inner.PutAsync(key, content, length, options, ct));

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        Listed.Enqueue(prefix);
        await using var items = inner.ListAsync(prefix, ct).GetAsyncEnumerator(ct);
        while (await CallAsync(async () => await items.MoveNextAsync())) yield return items.Current;
    }

    public Task DeleteAsync(string key, CancellationToken ct) => CallAsync(async () => { await inner.DeleteAsync(key, ct); return 0; });
    public Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct) => CallAsync(async () => { await inner.DeleteIfMatchAsync(key, etag, ct); return 0; });
    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) => CallAsync(() => inner.DeleteManyAsync(keys, ct));
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max) { }
        try
        {
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency);
            return await call();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed class WatchedStream(Stream stream, WatchedStore store) : S3lo.Core.Streams.ReadOnlyStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            await store.CallAsync(async () => await stream.ReadAsync(buffer, cancellationToken));

        protected override void Dispose(bool disposing)
        {
            if (disposing) stream.Dispose();
            base.Dispose(disposing);
        }
    }
}
