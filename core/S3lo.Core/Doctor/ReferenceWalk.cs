using System.Collections.Concurrent;
using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Doctor;

/// <summary>
/// Walks every tag down to its layers against one blob listing: a referenced blob missing, of another
/// size, corrupt (known from --deep), or a manifest or config that cannot be parsed. Each stored manifest
/// and config is read once however many tags share it; the rest are lookups in the listing.
/// </summary>
internal sealed class ReferenceWalk(ImageBucket bucket, BlobInventory inventory, IReadOnlyDictionary<string, string> corrupt, ProblemBook book)
{
    private const int MaxDepth = 8;
    private readonly ConcurrentDictionary<string, Lazy<Task<(ManifestBlob? Blob, string? Error)>>> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _configs = new(StringComparer.Ordinal);

    /// <summary>Every blob some tag references (manifests included).</summary>
    public ConcurrentDictionary<string, byte> Referenced { get; } = new(StringComparer.Ordinal);

    /// <summary>A tag's manifest.json, already parsed.</summary>
    public Task WalkTagAsync(ManifestBlob root, string image, CancellationToken ct)
    {
        Referenced.TryAdd(root.Digest.Hex, 0);
        return VisitAsync(root, new ImageUser(image, null), 0, ct);
    }

    private async Task VisitAsync(ManifestBlob manifest, ImageUser user, int depth, CancellationToken ct)
    {
        if (manifest.Index is { } index)
        {
            foreach (var child in index.Manifests)
            {
                var childUser = child.Platform is { } platform ? user with { Platform = platform.ToString() } : user;
                if (!Check(child, "manifest", childUser, out var digest)) continue;
                var (blob, error) = await _manifests.GetOrAdd(digest.Hex, _ => new(() => ReadManifestAsync(digest, child, ct))).Value.ConfigureAwait(false);
                if (error is not null) book.Add("unparsable-manifest", digest.Hex, "manifest", error, childUser);
                else if (blob is null) book.Add("missing-blob", digest.Hex, "manifest", "", childUser); // deleted since the listing
                else if (depth < MaxDepth) await VisitAsync(blob, childUser, depth + 1, ct).ConfigureAwait(false);
            }
            return;
        }
        var image = manifest.Manifest!;
        if (Check(image.Config, "config", user, out var config))
        {
            var error = await _configs.GetOrAdd(config.Hex, _ => new(() => ReadConfigAsync(config, image.Config.Size, ct))).Value.ConfigureAwait(false);
            if (error is not null) book.Add("unparsable-config", config.Hex, "config", error, user);
        }
        foreach (var layer in image.Layers) Check(layer, "layer", user, out _);
    }

    /// <summary>Records the blob as referenced and its problems; true when it is there to be read further.</summary>
    private bool Check(Descriptor descriptor, string role, ImageUser user, out Digest digest)
    {
        // A foreign layer (urls) or a digest s3lo cannot name a key for is not expected in the bucket.
        if (!Digest.TryParse(descriptor.Digest, out digest) || descriptor.Urls is { Count: > 0 }) return false;
        Referenced.TryAdd(digest.Hex, 0);
        if (!inventory.TryGetSize(digest.Hex, out var size))
        {
            book.Add("missing-blob", digest.Hex, role, "", user);
            return false;
        }
        if (descriptor.Size >= 0 && size != descriptor.Size)
        {
            book.Add("wrong-size", digest.Hex, role, $"as {descriptor.Size} bytes but the bucket holds {size} bytes", user);
            return false;
        }
        if (corrupt.TryGetValue(digest.Hex, out var actual))
        {
            book.Add("hash-mismatch", digest.Hex, role, actual, user);
            return false;
        }
        return true;
    }

    private async Task<(ManifestBlob?, string?)> ReadManifestAsync(Digest digest, Descriptor descriptor, CancellationToken ct)
    {
        try
        {
            var bytes = await ReadAsync(digest, descriptor.Size, ct).ConfigureAwait(false);
            return bytes is null ? (null, null) : (ManifestBlob.Parse(bytes, "it", descriptor.MediaType), null);
        }
        catch (S3loException e)
        {
            return (null, e.Message);
        }
    }

    private async Task<string?> ReadConfigAsync(Digest digest, long size, CancellationToken ct)
    {
        try
        {
            if (await ReadAsync(digest, size, ct).ConfigureAwait(false) is not { } bytes) return null;
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return json.RootElement.ValueKind == JsonValueKind.Object ? null : $"its top level is {json.RootElement.ValueKind.ToString().ToLowerInvariant()}";
        }
        catch (JsonException e)
        {
            return e.Message;
        }
        catch (S3loException e)
        {
            return e.Message;
        }
    }

    /// <summary>Null when the blob went away since the listing (a clean ran): no longer this walk's business.</summary>
    private async Task<byte[]?> ReadAsync(Digest digest, long size, CancellationToken ct)
    {
        var key = BucketLayout.BlobKey(digest);
        try
        {
            return await SmallObjects.ReadAsync(bucket, key, size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException and not S3loException)
        {
            throw DoctorFailure.ReadFailed(bucket.Name, key, e);
        }
    }
}
