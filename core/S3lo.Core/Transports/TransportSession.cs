using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Storage;

namespace S3lo.Core.Transports;

/// <summary>
/// What one command opens its ends with, and owns until it is disposed: the store and registry
/// options per end, the platform, the layer compression, and both references (an end may depend on the
/// other: a registry mounts blobs from a source on the same host, an archive takes the source's name).
/// A resource opened for one end is shared with the other (a copy inside one bucket sees one store).
/// </summary>
public sealed class TransportSession : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Dictionary<object, object> _shared = [];

    public required TransportReference Source { get; init; }
    public required TransportReference Destination { get; init; }

    /// <summary>Connection options for buckets at either end.</summary>
    public StoreOptions StoreOptions { get; init; } = new();

    /// <summary>The storage class of what a bucket destination writes (<c>--storage-class</c>).</summary>
    public string? StorageClass { get; init; }

    public RegistryClientOptions? SourceRegistry { get; init; }
    public RegistryClientOptions? DestinationRegistry { get; init; }

    /// <summary>How a bucket destination stores layers the engine encodes (a push's <c>--compression</c>).</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>Move an immutable tag anyway (<c>--force</c>).</summary>
    public bool Force { get; init; }

    /// <summary>The command recorded in a bucket tag's history: <c>push</c> or <c>copy</c>.</summary>
    public string Command { get; init; } = "copy";

    /// <summary>The one platform wanted, when the command keeps one.</summary>
    public PlatformSpec? Platform { get; init; }

    public StoreOptions StoreOptionsFor(EndRole role) =>
        role == EndRole.Destination && StorageClass is not null ? StoreOptions with { StorageClass = StorageClass } : StoreOptions;

    /// <summary>Disposed with the session, last opened first.</summary>
    public T Own<T>(T opened) where T : IAsyncDisposable
    {
        _owned.Add(opened);
        return opened;
    }

    /// <summary>Opens what <paramref name="key"/> names once per session; the second end asking gets the same one.</summary>
    public async Task<T> SharedAsync<T>(object key, Func<Task<T>> open) where T : class, IAsyncDisposable
    {
        if (_shared.TryGetValue(key, out var existing)) return (T)existing;
        var opened = Own(await open().ConfigureAwait(false));
        _shared[key] = opened;
        return opened;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync().ConfigureAwait(false);
        _owned.Clear();
    }
}
