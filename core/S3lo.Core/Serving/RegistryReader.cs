using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// The storage side of the OCI Distribution read API over one bucket: manifests by tag or digest,
/// blobs as streams, tag and repository listings, referrers. Every name, tag and digest is validated before
/// the store is asked anything; what is absent is a <see cref="RegistryException"/> with its OCI code.
/// Manifests are cached (<see cref="ManifestCache"/>), and every storage call goes through <see cref="Gate"/>.
/// </summary>
public sealed partial class RegistryReader
{
    /// <summary>Tag manifests or signature files read at once while one request searches a repository.</summary>
    private const int SearchParallelism = 8;

    private readonly ImageBucket _bucket;
    private readonly ImageBucket _gated;
    private readonly ManifestCache _manifests;
    private readonly TimedValue<IReadOnlyList<string>> _repositories;

    public RegistryReader(ImageBucket bucket) : this(bucket, new RegistryReaderOptions())
    {
    }

    public RegistryReader(ImageBucket bucket, RegistryReaderOptions options)
    {
        _bucket = bucket;
        Gate = new StorageGate(options.MaxStorageCalls);
        _gated = Gate.Wrap(bucket);
        _manifests = new ManifestCache(options.CacheTtl, options.CacheBytes, options.Clock);
        _repositories = new TimedValue<IReadOnlyList<string>>(options.CacheTtl, options.Clock);
    }

    /// <summary>The bucket served, unwrapped (its store's own type, for blob redirects).</summary>
    public ImageBucket Bucket => _bucket;

    /// <summary>The bound on storage calls in progress, shared with the write half.</summary>
    public StorageGate Gate { get; }

    /// <summary><see cref="Bucket"/> with every storage call through <see cref="Gate"/>: what the write half writes through.</summary>
    public ImageBucket GatedBucket => _gated;

    /// <summary>Manifest reads answered without a storage read of their own (for /metrics).</summary>
    public long ManifestCacheHits => _manifests.Hits;

    /// <summary>Manifest reads that went to the store.</summary>
    public long ManifestCacheMisses => _manifests.Misses;

    /// <summary>
    /// Drops what is cached about <paramref name="name"/>:<paramref name="tag"/> (and the repository list): the
    /// write half calls it once a manifest PUT committed the tag, so the next read sees the new manifest.
    /// </summary>
    public void ForgetTag(string name, string tag)
    {
        _manifests.ForgetTag(name, tag);
        _repositories.Forget();
    }

    /// <summary>A manifest by tag (its manifest.json) or by digest (a stored manifest blob, else a tag's root).</summary>
    public async Task<ServedManifest> GetManifestAsync(string name, string reference, CancellationToken ct)
    {
        CheckName(name);
        if (reference.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) || reference.Contains(':', StringComparison.Ordinal))
        {
            var digest = ParseDigest(reference);
            return await _manifests.GetDigestAsync(name, digest, t => FindByDigestAsync(name, digest, t), ct).ConfigureAwait(false)
                ?? throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest {name}@{digest} is not in {_bucket.Name}");
        }
        if (!RegistryNames.IsValidTag(reference))
            throw new RegistryException(RegistryErrorCode.TagInvalid, $"'{reference}' is not a valid tag");
        return await ReadTagCachedAsync(name, reference, ct).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest {name}:{reference} is not in {_bucket.Name}");
    }

    /// <summary>
    /// A blob's size (a HEAD, <paramref name="open"/> false) or its content: the whole blob, or the
    /// inclusive byte range [<paramref name="first"/>, <paramref name="last"/>] read as a ranged request.
    /// The OCI empty blob is served from memory when the bucket does not hold it (<see cref="EmptyBlob"/>).
    /// </summary>
    public async Task<ServedBlob> GetBlobAsync(string name, string digestText, bool open, long? first, long? last, CancellationToken ct)
    {
        CheckName(name);
        var digest = ParseDigest(digestText);
        var info = await _gated.HeadBlobAsync(digest, ct).ConfigureAwait(false);
        var builtIn = info is null && digest == EmptyBlob.Digest;
        if (info is null && !builtIn) throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {_bucket.Name}");
        var size = info?.Size ?? EmptyBlob.Bytes.Length;
        if (first is { } from)
        {
            var to = Math.Min(last ?? size - 1, size - 1);
            if (from >= size || to < from)
                throw new RegistryException(RegistryErrorCode.RangeInvalid, $"range {from}-{last} is outside blob {digest} of {size} bytes");
            var length = to - from + 1;
            var part = !open ? null
                : builtIn ? EmptyBlobStream((int)from, (int)length)
                : await OpenRangeAsync(digest, from, length, ct).ConfigureAwait(false);
            return new ServedBlob(digest, size, from, length, part);
        }
        var content = !open ? null
            : builtIn ? EmptyBlobStream(0, (int)size)
            : await OpenWholeAsync(digest, size, ct).ConfigureAwait(false);
        return new ServedBlob(digest, size, 0, size, content);
    }

    /// <summary>The tags of one repository, from one listing of its own prefix; NAME_UNKNOWN when it has none.</summary>
    public async Task<NamePage> ListTagsAsync(string name, int? count, string? last, CancellationToken ct)
    {
        CheckName(name);
        var files = await RepositoryFiles.ListAsync(_gated.Store, name, ct).ConfigureAwait(false);
        if (files.Tags.Count == 0) throw new RegistryException(RegistryErrorCode.NameUnknown, $"repository {name} is not in {_bucket.Name}");
        return NamePage.Of(files.Tags, count, last);
    }

    /// <summary>Every repository with at least one tag; the list is read from the store at most once per cache TTL.</summary>
    public async Task<NamePage> ListRepositoriesAsync(int? count, string? last, CancellationToken ct)
    {
        var names = await _repositories.GetAsync(async t =>
        {
            var tags = await TagFiles.ListAsync(_gated.Store, null, t).ConfigureAwait(false);
            return (IReadOnlyList<string>)[.. tags.Select(tag => tag.Repository).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }, ct).ConfigureAwait(false);
        return NamePage.Of(names, count, last);
    }

    private static void CheckName(string name)
    {
        if (!RegistryNames.IsValidName(name))
            throw new RegistryException(RegistryErrorCode.NameInvalid, $"'{name}' is not a valid repository name");
    }

    private static Digest ParseDigest(string text) =>
        Digest.TryParse(text, out var digest)
            ? digest
            : throw new RegistryException(RegistryErrorCode.DigestInvalid, $"'{text}' is not a digest: expected sha256:<64 lowercase hex digits>");

    private static ServedManifest ToServed(ManifestBlob manifest) => new(manifest.Bytes, manifest.MediaType, manifest.Digest);

    private Task<ServedManifest?> ReadTagCachedAsync(string name, string tag, CancellationToken ct) =>
        _manifests.GetTagAsync(name, tag, t => ReadTagAsync(name, tag, t), ct);

    /// <summary>A tag's manifest.json in one storage read (no HEAD first); null when the tag does not exist.</summary>
    private async Task<ServedManifest?> ReadTagAsync(string name, string tag, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await _gated.ReadAllAsync(BucketLayout.ManifestKey(name, tag), ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        try
        {
            return ToServed(ManifestBlob.Parse(bytes, $"manifest of {name}:{tag}"));
        }
        catch (S3loException e)
        {
            throw new DamagedManifestException(e);
        }
    }

    /// <summary>
    /// A platform manifest lives in blobs/ (shared by every repository, as blobs are); a tag's root only
    /// in its manifest.json, so the repository's tags are searched when blobs/ has no such manifest, and
    /// last the signature artifacts of its tags (<see cref="SignatureArtifact"/>).
    /// </summary>
    private async Task<ServedManifest?> FindByDigestAsync(string name, Digest digest, CancellationToken ct)
    {
        var info = await _gated.HeadBlobAsync(digest, ct).ConfigureAwait(false);
        if (info is not null && info.Size <= OciJson.MaxDocumentBytes)
        {
            try
            {
                var bytes = await _gated.ReadAllAsync(BucketLayout.BlobKey(digest), ct).ConfigureAwait(false);
                if (Digest.Compute(bytes) == digest) return ToServed(ManifestBlob.Parse(bytes, $"manifest {digest}"));
            }
            catch (ObjectNotFoundException)
            {
                // removed between HEAD and GET: look at the tags
            }
            catch (S3loException) when (!ct.IsCancellationRequested)
            {
                // a layer or config, not a manifest: not a manifest of this name
            }
        }
        var files = await RepositoryFiles.ListAsync(_gated.Store, name, ct).ConfigureAwait(false);
        var roots = await ReadTagsAsync(name, files.Tags, digest, ct).ConfigureAwait(false);
        if (roots.FirstOrDefault(r => r.Manifest.Digest == digest) is { Manifest: { } root }) return root;
        foreach (var artifact in await SignatureArtifactsAsync(name, files, roots, null, ct).ConfigureAwait(false))
        {
            if (artifact.Manifest.Digest == digest) return artifact.Manifest;
        }
        return null;
    }

    /// <summary>
    /// The manifests of <paramref name="tags"/> (through the cache), a few at a time; the search stops early once
    /// one has digest <paramref name="stopAt"/>. A damaged manifest.json is skipped: it is no tag's root.
    /// </summary>
    private async Task<List<(string Tag, ServedManifest Manifest)>> ReadTagsAsync(string name, IReadOnlyList<string> tags, Digest? stopAt, CancellationToken ct)
    {
        var found = new List<(string, ServedManifest)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = SearchParallelism, CancellationToken = stop.Token }, async (tag, token) =>
            {
                ServedManifest? manifest;
                try
                {
                    manifest = await ReadTagCachedAsync(name, tag, token).ConfigureAwait(false);
                }
                catch (DamagedManifestException)
                {
                    return;
                }
                if (manifest is null) return;
                lock (found) found.Add((tag, manifest));
                if (manifest.Digest == stopAt) await stop.CancelAsync().ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // found what was searched for
        }
        lock (found) return [.. found];
    }

    private static MemoryStream EmptyBlobStream(int offset, int length) =>
        new(EmptyBlob.Bytes.ToArray(), offset, length, writable: false);

    private async Task<Stream> OpenWholeAsync(Digest digest, long size, CancellationToken ct)
    {
        try
        {
            return await _gated.OpenBlobAsync(digest, size, ct).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {_bucket.Name}");
        }
    }

    private async Task<Stream> OpenRangeAsync(Digest digest, long offset, long length, CancellationToken ct)
    {
        try
        {
            return await _gated.Store.OpenReadRangeAsync(BucketLayout.BlobKey(digest), offset, length, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {_bucket.Name}");
        }
    }

    /// <summary>A tag's manifest.json that does not parse: a 500 when asked for, skipped by searches.</summary>
    private sealed class DamagedManifestException(S3loException inner) : S3loException(inner.Message, inner.Hint, inner);
}
