using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Serving;

/// <summary>
/// Manifest PUTs. Every blob a manifest names (every child manifest of an index) must be in the bucket
/// first. By digest, the manifest is stored as a blob, as platform manifests are in this layout. By tag, it
/// commits through <see cref="BucketImageDestination"/>, the commit of 's3lo push': immutable tags refused
/// before anything is written, manifest.json written last under a condition (a concurrent push is caught),
/// a history entry, and the wait for running cleans with a check that no blob went meanwhile.
/// </summary>
public sealed partial class RegistryWriter
{
    private const int HeadParallelism = 16;
    private readonly IImageRulesSource _rules = new BucketConfigRules();

    /// <param name="contentType">The request's Content-Type: the media type when the document names none.</param>
    /// <param name="source">What the history entry records as the source (the client, e.g. <c>docker/27.0.3</c>).</param>
    public async Task<PushedManifest> PutManifestAsync(string name, string reference, byte[] bytes, string? contentType, string source, CancellationToken ct)
    {
        CheckName(name);
        string? tag = null;
        Digest? named = null;
        if (reference.Contains(':', StringComparison.Ordinal)) named = ParseDigest(reference);
        else if (RegistryNames.IsValidTag(reference)) tag = reference;
        else throw new RegistryException(RegistryErrorCode.TagInvalid, $"'{reference}' is not a valid tag");

        var manifest = Parse(name, reference, bytes, contentType);
        if (named is { } expected && manifest.Digest != expected)
            throw new RegistryException(RegistryErrorCode.DigestInvalid, $"the manifest is {manifest.Digest}, not {expected}; nothing was stored");
        var subject = SubjectOf(manifest);
        var children = await CheckReferencesAsync(name, manifest, ct).ConfigureAwait(false);

        if (tag is null) await StoreManifestBlobAsync(manifest, ct).ConfigureAwait(false);
        else await CommitTagAsync(name, tag, manifest, children, source, ct).ConfigureAwait(false);
        // After the manifest: the referrers list never names one that is not there.
        if (subject is { } of) await ReferrerRecords.WriteAsync(bucket, of, manifest, ct).ConfigureAwait(false);
        return new PushedManifest(manifest.Digest, subject);
    }

    private static ManifestBlob Parse(string name, string reference, byte[] bytes, string? contentType)
    {
        var type = contentType?.Split(';')[0].Trim();
        var hint = MediaTypes.IsManifest(type) || MediaTypes.IsIndex(type) ? type : null;
        try
        {
            var manifest = ManifestBlob.Parse(bytes, $"manifest {name}:{reference}", hint);
            foreach (var descriptor in Referenced(manifest)) Digest.Parse(descriptor.Digest);
            return manifest;
        }
        catch (S3loException e)
        {
            throw new RegistryException(RegistryErrorCode.ManifestInvalid, e.Message);
        }
    }

    private static Digest? SubjectOf(ManifestBlob manifest)
    {
        if ((manifest.Manifest?.Subject ?? manifest.Index?.Subject) is not { } subject) return null;
        return Digest.TryParse(subject.Digest, out var digest)
            ? digest
            : throw new RegistryException(RegistryErrorCode.ManifestInvalid, $"the subject digest '{subject.Digest}' is not a sha256 digest");
    }

    /// <summary>What must be in the bucket before this manifest: config and layers (foreign layers live elsewhere), or an index's manifests.</summary>
    private static IEnumerable<Descriptor> Referenced(ManifestBlob manifest) =>
        manifest.Index is { } index
            ? index.Manifests
            : [manifest.Manifest!.Config, .. manifest.Manifest.Layers.Where(l => !(l.Urls is { Count: > 0 } && l.MediaType.Contains("foreign", StringComparison.Ordinal)))];

    /// <summary>
    /// MANIFEST_BLOB_UNKNOWN unless every referenced blob is here with its size. An index's children are read
    /// (they are small) for the history's size and the post-commit check; a child that is only some tag's root
    /// is stored as a blob first, since an index's children live in blobs/.
    /// </summary>
    private async Task<IReadOnlyList<ManifestBlob>> CheckReferencesAsync(string name, ManifestBlob manifest, CancellationToken ct)
    {
        var wanted = Referenced(manifest).DistinctBy(d => d.Digest).ToList();
        if (manifest.Index is null)
        {
            var missing = await MissingAsync(wanted, ct).ConfigureAwait(false);
            if (missing.Count > 0) throw BlobUnknown(missing);
            return [];
        }
        var children = new ManifestBlob?[wanted.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count), Parallelism(ct), async (i, token) =>
            children[i] = await FindChildAsync(name, wanted[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        var absent = wanted.Where((_, i) => children[i] is null).ToList();
        if (absent.Count > 0) throw BlobUnknown(absent);
        return [.. children.Select(c => c!)];
    }

    private async Task<ManifestBlob?> FindChildAsync(string name, Descriptor descriptor, CancellationToken ct)
    {
        var digest = Digest.Parse(descriptor.Digest);
        if (descriptor.Size > OciJson.MaxDocumentBytes)
            throw new RegistryException(RegistryErrorCode.ManifestInvalid, $"the index names {digest} with {descriptor.Size} bytes, over the manifest limit");
        byte[]? bytes = null;
        if (await bucket.HasBlobAsync(digest, descriptor.Size, ct).ConfigureAwait(false))
        {
            try
            {
                bytes = await bucket.ReadAllAsync(BucketLayout.BlobKey(digest), ct).ConfigureAwait(false);
            }
            catch (Storage.ObjectNotFoundException)
            {
                // deleted since the HEAD: look at the tags
            }
        }
        var fromTag = false;
        if (bytes is null)
        {
            foreach (var (repository, tag, _) in await TagFiles.ListAsync(bucket.Store, name, ct).ConfigureAwait(false))
            {
                if (await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false) is { } record && record.Manifest.Digest == digest)
                {
                    bytes = record.Manifest.Bytes;
                    fromTag = true;
                    break;
                }
            }
        }
        if (bytes is null || Digest.Compute(bytes) != digest) return null;
        ManifestBlob child;
        try
        {
            child = ManifestBlob.Parse(bytes, $"manifest {digest}", descriptor.MediaType);
        }
        catch (S3loException e)
        {
            throw new RegistryException(RegistryErrorCode.ManifestInvalid, $"the index names {digest}, which is not a manifest: {e.Message}");
        }
        if (fromTag) await StoreManifestBlobAsync(child, ct).ConfigureAwait(false);
        return child;
    }

    private async Task<List<Descriptor>> MissingAsync(IReadOnlyList<Descriptor> blobs, CancellationToken ct)
    {
        var present = new bool[blobs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, blobs.Count), Parallelism(ct), async (i, token) =>
            present[i] = await bucket.HasBlobAsync(Digest.Parse(blobs[i].Digest), blobs[i].Size, token).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. blobs.Where((_, i) => !present[i])];
    }

    private async Task StoreManifestBlobAsync(ManifestBlob manifest, CancellationToken ct)
    {
        if (await bucket.HasBlobAsync(manifest.Digest, manifest.Size, ct).ConfigureAwait(false)) return;
        using var content = new MemoryStream(manifest.Bytes, writable: false);
        await bucket.PutBlobAsync(manifest.Digest, content, manifest.Size, ct).ConfigureAwait(false);
    }

    private async Task CommitTagAsync(string name, string tag, ManifestBlob root, IReadOnlyList<ManifestBlob> children, string source, CancellationToken ct)
    {
        var rules = await _rules.ResolveAsync(bucket.Store, name, ct).ConfigureAwait(false);
        var before = await bucket.ReadTagAsync(name, tag, ct).ConfigureAwait(false);
        if (rules.Immutable.Value && before is not null && before.Manifest.Digest != root.Digest)
            throw new RegistryException(RegistryErrorCode.Denied, $"{name}:{tag} is immutable and holds {before.Manifest.Digest}; it was not moved");

        var images = (root.Manifest is not null ? [root] : children.Where(c => c.Manifest is not null))
            .Select(m => new PlannedImage(m, null, false)).ToList();
        var blobs = images.SelectMany(i => Referenced(i.Manifest)).DistinctBy(d => d.Digest).ToList();
        var destination = new BucketImageDestination(bucket, name, tag, clock, rules: rules, provenance: new PushProvenance("serve", source));
        CommitResult commit;
        try
        {
            await destination.PrepareAsync(new TransferPlan(root, images, blobs), ct).ConfigureAwait(false);
            commit = await destination.CommitAsync(root, ct).ConfigureAwait(false);
        }
        catch (S3loException e) when (e is not RegistryException)
        {
            // Another push moved the tag while this one ran: refused by the guard of 's3lo push'. Anything else
            // (the store failing) stays what it is.
            if (await MovedSinceAsync(name, tag, before, ct).ConfigureAwait(false)) throw new RegistryException(RegistryErrorCode.Denied, e.Message);
            throw;
        }
        if (commit.Unchanged) return;

        // A clean that ran meanwhile may have deleted a blob it saw unreferenced: wait for it, then look.
        var manifests = children.DistinctBy(c => c.Digest).ToDictionary(c => c.Digest.ToString(), StringComparer.Ordinal);
        IReadOnlyList<Descriptor> all = [.. blobs, .. manifests.Values.Select(m => m.ToDescriptor())];
        var missing = await destination.FindMissingAfterCommitAsync(all, line => notice?.Invoke(line), ct).ConfigureAwait(false);
        var lost = new List<Descriptor>();
        foreach (var blob in missing)
        {
            if (manifests.TryGetValue(blob.Digest, out var child)) await StoreManifestBlobAsync(child, ct).ConfigureAwait(false);
            else lost.Add(blob);
        }
        if (lost.Count > 0)
            throw new RegistryException(RegistryErrorCode.ManifestBlobUnknown,
                $"{name}:{tag} was committed, but a concurrent clean deleted {Describe(lost)}; push again to upload what is missing");
    }

    private async Task<bool> MovedSinceAsync(string name, string tag, TagRecord? before, CancellationToken ct)
    {
        var now = await bucket.ReadTagAsync(name, tag, ct).ConfigureAwait(false);
        return now?.Manifest.Digest != before?.Manifest.Digest;
    }

    private RegistryException BlobUnknown(IReadOnlyList<Descriptor> missing) =>
        new(RegistryErrorCode.ManifestBlobUnknown,
            $"{Describe(missing)} {(missing.Count == 1 ? "is" : "are")} not in {bucket.Name}; push the blobs (and child manifests) before the manifest");

    private static string Describe(IReadOnlyList<Descriptor> blobs) =>
        blobs.Count == 1 ? blobs[0].Digest : $"{blobs[0].Digest} and {blobs.Count - 1} more";

    private static ParallelOptions Parallelism(CancellationToken ct) => new() { MaxDegreeOfParallelism = HeadParallelism, CancellationToken = ct };
}
