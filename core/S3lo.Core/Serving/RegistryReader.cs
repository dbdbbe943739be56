using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// The storage side of the OCI Distribution read API over one bucket: manifests by tag or digest,
/// blobs as streams, tag and repository listings. Every name, tag and digest is validated before
/// the store is asked anything; what is absent is a <see cref="RegistryException"/> with its OCI code.
/// </summary>
public sealed class RegistryReader(ImageBucket bucket)
{
    /// <summary>The bucket served, for the write half and blob redirects.</summary>
    public ImageBucket Bucket => bucket;

    /// <summary>Manifest reads answered from memory (for /metrics).</summary>
    public long ManifestCacheHits => 0;

    /// <summary>Manifest reads that went to the store.</summary>
    public long ManifestCacheMisses => 0;

    /// <summary>A manifest by tag (its manifest.json) or by digest (a stored manifest blob, else a tag's root).</summary>
    public async Task<ServedManifest> GetManifestAsync(string name, string reference, CancellationToken ct)
    {
        CheckName(name);
        if (reference.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) || reference.Contains(':', StringComparison.Ordinal))
        {
            var digest = ParseDigest(reference);
            return await FindByDigestAsync(name, digest, ct).ConfigureAwait(false)
                ?? throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest {name}@{digest} is not in {bucket.Name}");
        }
        if (!RegistryNames.IsValidTag(reference))
            throw new RegistryException(RegistryErrorCode.TagInvalid, $"'{reference}' is not a valid tag");
        var record = await bucket.ReadTagAsync(name, reference, ct).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest {name}:{reference} is not in {bucket.Name}");
        return ToServed(record.Manifest);
    }

    /// <summary>
    /// A blob's size (a HEAD, <paramref name="open"/> false) or its content: the whole blob, or the
    /// inclusive byte range [<paramref name="first"/>, <paramref name="last"/>] read as a ranged request.
    /// </summary>
    public async Task<ServedBlob> GetBlobAsync(string name, string digestText, bool open, long? first, long? last, CancellationToken ct)
    {
        CheckName(name);
        var digest = ParseDigest(digestText);
        var info = await bucket.HeadBlobAsync(digest, ct).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {bucket.Name}");
        var size = info.Size;
        if (first is { } from)
        {
            var to = Math.Min(last ?? size - 1, size - 1);
            if (from >= size || to < from)
                throw new RegistryException(RegistryErrorCode.RangeInvalid, $"range {from}-{last} is outside blob {digest} of {size} bytes");
            var length = to - from + 1;
            var part = open ? await OpenRangeAsync(digest, from, length, ct).ConfigureAwait(false) : null;
            return new ServedBlob(digest, size, from, length, part);
        }
        var content = open ? await OpenWholeAsync(digest, size, ct).ConfigureAwait(false) : null;
        return new ServedBlob(digest, size, 0, size, content);
    }

    /// <summary>The tags of one repository; NAME_UNKNOWN when it has none.</summary>
    public async Task<NamePage> ListTagsAsync(string name, int? count, string? last, CancellationToken ct)
    {
        CheckName(name);
        var tags = new List<string>();
        await foreach (var (repository, tag) in bucket.ListTagsAsync(ct).ConfigureAwait(false))
        {
            if (repository == name) tags.Add(tag);
        }
        if (tags.Count == 0) throw new RegistryException(RegistryErrorCode.NameUnknown, $"repository {name} is not in {bucket.Name}");
        return NamePage.Of(tags, count, last);
    }

    /// <summary>Every repository with at least one tag.</summary>
    public async Task<NamePage> ListRepositoriesAsync(int? count, string? last, CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (repository, _) in bucket.ListTagsAsync(ct).ConfigureAwait(false)) names.Add(repository);
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

    /// <summary>
    /// A platform manifest lives in blobs/ (shared by every repository, as blobs are); a tag's root only
    /// in its manifest.json, so the repository's tags are searched when blobs/ has no such manifest.
    /// </summary>
    private async Task<ServedManifest?> FindByDigestAsync(string name, Digest digest, CancellationToken ct)
    {
        var info = await bucket.HeadBlobAsync(digest, ct).ConfigureAwait(false);
        if (info is not null && info.Size <= OciJson.MaxDocumentBytes)
        {
            try
            {
                var bytes = await bucket.ReadAllAsync(BucketLayout.BlobKey(digest), ct).ConfigureAwait(false);
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
        await foreach (var (repository, tag) in bucket.ListTagsAsync(ct).ConfigureAwait(false))
        {
            if (repository != name) continue;
            var record = await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false);
            if (record?.Manifest.Digest == digest) return ToServed(record.Manifest);
        }
        return null;
    }

    private async Task<Stream> OpenWholeAsync(Digest digest, long size, CancellationToken ct)
    {
        try
        {
            return await bucket.OpenBlobAsync(digest, size, ct).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {bucket.Name}");
        }
    }

    private async Task<Stream> OpenRangeAsync(Digest digest, long offset, long length, CancellationToken ct)
    {
        try
        {
            return await bucket.Store.OpenReadRangeAsync(BucketLayout.BlobKey(digest), offset, length, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in {bucket.Name}");
        }
    }
}
