using S3lo.Core.Storage;

namespace S3lo.Tests.Shared;

/// <summary>
/// A real store with something done at a chosen moment of a clean: a push right after a write or a
/// listing, or a read that fails. In-process because no real server can pause a clean at one exact step
/// (after its marker is written, between its walk and its deletes) or fail one read on cue; the store
/// underneath does every real operation.
/// </summary>
public sealed class HookedStore(IObjectStore inner) : IObjectStore
{
    /// <summary>Runs after a successful put of a key (awaited before the put returns).</summary>
    public Func<string, Task>? AfterPut { get; set; }

    /// <summary>Runs after a listing of a prefix has been read to its end.</summary>
    public Func<string, Task>? AfterList { get; set; }

    /// <summary>Runs once a key is open for reading (the reader still gets the bytes it opened).</summary>
    public Func<string, Task>? AfterOpen { get; set; }

    /// <summary>An exception to throw instead of opening a key, or null to read it.</summary>
    public Func<string, Exception?>? FailRead { get; set; }

    public string DisplayName => inner.DisplayName;

    public async Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        var info = await inner.PutAsync(key, content, length, options, ct);
        if (AfterPut is { } hook) await hook(key);
        return info;
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var info in inner.ListAsync(prefix, ct)) yield return info;
        if (AfterList is { } hook) await hook(prefix);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        if (FailRead?.Invoke(key) is { } error) throw error;
        var stream = await inner.OpenReadAsync(key, ct);
        if (AfterOpen is { } hook) await hook(key);
        return stream;
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct) => inner.HeadAsync(key, ct);
    public Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct) => inner.OpenReadRangeAsync(key, offset, length, ct);
    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
    public Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct) => inner.DeleteIfMatchAsync(key, etag, ct);
    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) => inner.DeleteManyAsync(keys, ct);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
