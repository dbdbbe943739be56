using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// The set of blobs some root reaches: tags' manifests, their indexes' platform manifests (stored as
/// blobs, read here), configs and layers, and what signatures and in-use digests name. Each stored
/// manifest is read once however many tags share it. Only digests are kept in memory.
/// </summary>
internal sealed class Reachability(ImageBucket bucket, Action<string> warn)
{
    private const int MaxDepth = 8;
    private readonly ConcurrentDictionary<string, byte> _reachable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _walked = new(StringComparer.Ordinal);

    public int Count => _reachable.Count;

    public bool Reaches(string hex) => _reachable.ContainsKey(hex);

    /// <summary>A tag's manifest.json, already read: everything it names, and its children walked.</summary>
    public async Task AddTagAsync(ManifestReferences root, string what, CancellationToken ct)
    {
        Mark(root.Digest);
        await AddReferencesAsync(root, what, 0, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A digest named outside any manifest (a signature's target, an image in use): reachable, and walked
    /// when it is a stored manifest. Not being stored is normal here (a tag's root lives in manifest.json).
    /// </summary>
    public Task AddDigestAsync(Digest digest, string what, CancellationToken ct) =>
        WalkAsync(new Descriptor { Digest = digest.ToString(), Size = -1 }, what, 0, warnIfMissing: false, ct);

    private async Task AddReferencesAsync(ManifestReferences references, string what, int depth, CancellationToken ct)
    {
        foreach (var blob in references.Blobs) Mark(blob);
        if (references.Subject is { } subject) Mark(subject);
        foreach (var child in references.Children)
            await WalkAsync(child, what, depth + 1, warnIfMissing: true, ct).ConfigureAwait(false);
    }

    private async Task WalkAsync(Descriptor descriptor, string what, int depth, bool warnIfMissing, CancellationToken ct)
    {
        if (!Digest.TryParse(descriptor.Digest, out var digest)) return;
        Mark(digest);
        if (depth > MaxDepth || !_walked.TryAdd(digest.Hex, 0)) return;
        if (descriptor.Size > OciJson.MaxDocumentBytes)
        {
            warn($"{what}: {digest} is {descriptor.Size} bytes, too large for a manifest; its references were not followed");
            return;
        }
        var key = BucketLayout.BlobKey(digest);
        byte[] bytes;
        try
        {
            // A digest named outside a manifest may be a layer: only small blobs can be manifests.
            if (descriptor.Size < 0)
            {
                var info = await bucket.Store.HeadAsync(key, ct).ConfigureAwait(false) ?? throw new ObjectNotFoundException(bucket.Name, key);
                if (info.Size > ManifestSniffer.MaxManifestBytes) return;
            }
            bytes = await SmallObjects.ReadAsync(bucket, key, descriptor.Size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Not remembered as walked: a push may upload it before the recheck, which must then read it.
            _walked.TryRemove(digest.Hex, out _);
            if (warnIfMissing) warn($"{what}: manifest {digest} is missing from the bucket (the image is broken already)");
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unread, its layers would look unreachable: stop rather than delete on a partial view.
            throw CleanAborted.ReadFailed(bucket.Name, key, e);
        }
        if (!warnIfMissing && !ManifestSniffer.LooksLikeManifest(bytes)) return;
        var references = ManifestReferences.Read(bytes, $"{what}: manifest {digest}", descriptor.MediaType.Length > 0 ? descriptor.MediaType : null, warn);
        await AddReferencesAsync(references, what, depth, ct).ConfigureAwait(false);
    }

    private void Mark(Digest digest) => _reachable.TryAdd(digest.Hex, 0);
}
