using System.Runtime.CompilerServices;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// An <see cref="IObjectStore"/> whose every call waits for a <see cref="StorageGate"/> slot. Streams it
/// opens take a slot per read, listings one per step of the enumeration (a page fetch happens in one of
/// them). Disposing it does not dispose the store it wraps: the gate borrows the store, it does not own it.
/// </summary>
internal class GatedObjectStore(IObjectStore store, StorageGate gate) : IObjectStore
{
    protected IObjectStore Inner => store;
    protected StorageGate Gate => gate;

    public string DisplayName => store.DisplayName;

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct) => gate.RunAsync(t => store.HeadAsync(key, t), ct);

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct) =>
        new GatedReadStream(await gate.RunAsync(t => store.OpenReadAsync(key, t), ct).ConfigureAwait(false), gate);

    public async Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct) =>
        new GatedReadStream(await gate.RunAsync(t => store.OpenReadRangeAsync(key, offset, length, t), ct).ConfigureAwait(false), gate);

    /// <summary>A put holds its slot while it reads <paramref name="content"/>: a writer spools slow input before it puts.</summary>
    public Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct) =>
        gate.RunAsync(t => store.PutAsync(key, content, length, options, t), ct);

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var items = store.ListAsync(prefix, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            using (await gate.EnterAsync(ct).ConfigureAwait(false))
                more = await items.MoveNextAsync().ConfigureAwait(false);
            if (!more) yield break;
            yield return items.Current;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct) => gate.RunAsync(t => store.DeleteAsync(key, t), ct);

    public Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct) => gate.RunAsync(t => store.DeleteIfMatchAsync(key, etag, t), ct);

    /// <summary>One slot for the whole batch: the provider runs its own parallel deletes inside.</summary>
    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) =>
        gate.RunAsync(t => store.DeleteManyAsync(keys, t), ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A gated local directory: still an <see cref="ILocalFileStore"/>, so blobs open as plain files and pushes move files in.</summary>
internal sealed class GatedLocalObjectStore(IObjectStore store, StorageGate gate) : GatedObjectStore(store, gate), ILocalFileStore
{
    private ILocalFileStore Local => (ILocalFileStore)Inner;

    public string StagingDirectory => Local.StagingDirectory;

    public Task<bool> TryMoveInAsync(string path, string key, CancellationToken ct) => Gate.RunAsync(t => Local.TryMoveInAsync(path, key, t), ct);
}
