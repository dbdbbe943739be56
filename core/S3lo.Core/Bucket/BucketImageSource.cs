using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Signing;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;

namespace S3lo.Core.Bucket;

/// <summary>An image in a bucket as a transfer source: a tag, or a digest (of a tag's root or of a stored manifest).</summary>
public sealed class BucketImageSource(ImageBucket bucket, string repository, string? tag, Digest? digest) : IImageSource, IStoredBlobSource, ISignatureSource
{
    private readonly BucketLayerCache _layers = new(bucket);

    public string Name => $"{bucket.Name}/{repository}{(tag is not null ? ":" + tag : "@" + digest)}";

    public ILayerCache LayerCache => _layers;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (tag is not null)
        {
            var record = await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false)
                ?? throw new NotFoundException($"{repository}:{tag} not found in {bucket.Name}", $"'s3lo list {bucket.Name}/' shows what is there");
            return record.Manifest;
        }
        return await FindByDigestAsync(digest!.Value, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredSignature>> ListSignaturesAsync(CancellationToken ct) =>
        tag is null ? [] : await TagSignatures.ListAsync(bucket, repository, tag, ct).ConfigureAwait(false);

    public async Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct)
    {
        var manifest = await ReadManifestBlobAsync(Digest.Parse(descriptor.Digest), descriptor.MediaType, ct).ConfigureAwait(false);
        return manifest ?? throw new NotFoundException($"manifest {descriptor.Digest} is missing from {bucket.Name}");
    }

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        bucket.HasBlobAsync(Digest.Parse(descriptor.Digest), descriptor.Size, ct);

    public (IObjectStore Store, string Key) Locate(Descriptor descriptor) =>
        (bucket.Store, BucketLayout.BlobKey(Digest.Parse(descriptor.Digest)));

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        bucket.OpenBlobAsync(Digest.Parse(descriptor.Digest), descriptor.Size, ct);

    /// <summary>A platform manifest lives in blobs/; a tag's root only in its manifest.json, so tags are searched too.</summary>
    private async Task<ManifestBlob> FindByDigestAsync(Digest wanted, CancellationToken ct)
    {
        var blob = await ReadManifestBlobAsync(wanted, null, ct).ConfigureAwait(false);
        if (blob is not null) return blob;
        await foreach (var (repo, t) in bucket.ListTagsAsync(ct).ConfigureAwait(false))
        {
            if (repo != repository) continue;
            var record = await bucket.ReadTagAsync(repo, t, ct).ConfigureAwait(false);
            if (record?.Manifest.Digest == wanted) return record.Manifest;
        }
        throw new NotFoundException($"{repository}@{wanted} not found in {bucket.Name}");
    }

    private async Task<ManifestBlob?> ReadManifestBlobAsync(Digest digest, string? mediaType, CancellationToken ct)
    {
        var info = await bucket.HeadBlobAsync(digest, ct).ConfigureAwait(false);
        if (info is null || info.Size > OciJson.MaxDocumentBytes) return null;
        byte[] bytes;
        try
        {
            bytes = await bucket.ReadAllAsync(BucketLayout.BlobKey(digest), ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        var manifest = ManifestBlob.Parse(bytes, $"manifest {digest}", mediaType);
        if (manifest.Digest != digest) throw new DigestMismatchException($"manifest blob in {bucket.Name}", digest.ToString(), manifest.Digest.ToString());
        return manifest;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
