using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>
/// Manifests served from memory, per repository: by tag for <c>ttl</c> (a push that did not go through
/// this server shows within it), by digest with no expiry (a digest names the same bytes forever), all
/// bounded by <c>maxBytes</c> with the least recently used going first. Concurrent misses of one key
/// share one storage read. Only what was found is kept: an unknown tag or digest is asked again next time.
/// A zero <c>ttl</c> turns the cache off: every read goes to the store.
/// </summary>
internal sealed class ManifestCache(TimeSpan ttl, long maxBytes, TimeProvider clock)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new();
    private readonly SingleFlight<string, ServedManifest?> _loads = new();
    private readonly Lock _lock = new();
    private long _bytes;
    private long _generation;
    private long _hits;
    private long _misses;

    public bool Enabled => ttl > TimeSpan.Zero;

    /// <summary>Reads answered without a storage read of their own: from memory, or by joining a read in progress.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reads that went to the store.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public long Bytes
    {
        get { lock (_lock) return _bytes; }
    }

    public Task<ServedManifest?> GetTagAsync(string name, string tag, Func<CancellationToken, Task<ServedManifest?>> load, CancellationToken ct) =>
        GetAsync(TagKey(name, tag), name, expires: true, load, ct);

    public Task<ServedManifest?> GetDigestAsync(string name, Digest digest, Func<CancellationToken, Task<ServedManifest?>> load, CancellationToken ct) =>
        GetAsync(DigestKey(name, digest), name, expires: false, load, ct);

    /// <summary>A manifest found by other means (a search, a synthesized artifact), kept for reads by digest.</summary>
    public void AddDigest(string name, ServedManifest manifest)
    {
        if (Enabled) Add(DigestKey(name, manifest.Digest), manifest, null, Interlocked.Read(ref _generation));
    }

    /// <summary>The tag moved (a push through this server): the next read goes to the store.</summary>
    public void ForgetTag(string name, string tag)
    {
        var key = TagKey(name, tag);
        lock (_lock)
        {
            _generation++;
            if (_entries.Remove(key, out var node)) Drop(node);
        }
        _loads.Forget(key);
    }

    private async Task<ServedManifest?> GetAsync(string key, string name, bool expires, Func<CancellationToken, Task<ServedManifest?>> load, CancellationToken ct)
    {
        if (!Enabled)
        {
            Interlocked.Increment(ref _misses);
            return await load(ct).ConfigureAwait(false);
        }
        if (TryGet(key) is { } cached)
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }
        var generation = Interlocked.Read(ref _generation);
        var loading = _loads.Run(key, async () =>
        {
            var found = await load(CancellationToken.None).ConfigureAwait(false);
            if (found is not null)
            {
                Add(key, found, expires ? clock.GetUtcNow() + ttl : null, generation);
                Add(DigestKey(name, found.Digest), found, null, generation);
            }
            return found;
        }, out var shared);
        Interlocked.Increment(ref shared ? ref _hits : ref _misses);
        return await loading.WaitAsync(ct).ConfigureAwait(false);
    }

    private ServedManifest? TryGet(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node)) return null;
            if (node.Value.Expires is { } expires && clock.GetUtcNow() >= expires)
            {
                _entries.Remove(key);
                Drop(node);
                return null;
            }
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Manifest;
        }
    }

    /// <param name="generation">
    /// When the read began: a tag forgotten since then may have moved while it ran, so its result is not kept.
    /// </param>
    private void Add(string key, ServedManifest manifest, DateTimeOffset? expires, long generation)
    {
        var size = manifest.Bytes.LongLength;
        if (size > maxBytes) return;
        lock (_lock)
        {
            if (generation != _generation) return;
            if (_entries.Remove(key, out var old)) Drop(old);
            var node = _recent.AddFirst(new Entry(key, manifest, expires));
            _entries[key] = node;
            _bytes += size;
            while (_bytes > maxBytes && _recent.Last is { } last)
            {
                _entries.Remove(last.Value.Key);
                Drop(last);
            }
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _bytes -= node.Value.Manifest.Bytes.LongLength;
    }

    // Names hold neither ':' nor '@', so the two kinds of key never collide.
    private static string TagKey(string name, string tag) => $"{name}:{tag}";

    private static string DigestKey(string name, Digest digest) => $"{name}@{digest}";

    private sealed record Entry(string Key, ServedManifest Manifest, DateTimeOffset? Expires);
}
