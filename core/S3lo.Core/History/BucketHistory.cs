using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.History;

/// <summary>
/// What was pushed to a bucket and when: one row per image (bucket mode), or one row per tag push
/// (image mode), newest first. The current digest always comes from manifest.json: history can lag
/// behind it or be s3lo v1's.
/// </summary>
public static class BucketHistory
{
    /// <summary>Every image of the bucket, last pushed first.</summary>
    public static async Task<IReadOnlyList<ImageSummaryRow>> ImagesAsync(ImageBucket bucket, int parallelism, CancellationToken ct)
    {
        var listing = await TagListing.ListAsync(bucket.Store, ct).ConfigureAwait(false);
        var tags = new ConcurrentBag<(string Repository, DateTimeOffset PushedAt, Dictionary<Digest, long> Blobs)>();
        var manifests = new ConcurrentDictionary<Digest, Task<ManifestBlob?>>();
        await Parallel.ForEachAsync(listing.Tags, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (entry, token) =>
        {
            var ((repository, tag), info) = entry;
            if (await ReadTagAsync(bucket, repository, tag, info, token).ConfigureAwait(false) is not { } read) return;
            var blobs = new Dictionary<Digest, long>();
            await AddBlobsAsync(bucket, read.Manifest, blobs, manifests, depth: 0, token).ConfigureAwait(false);
            var pushedAt = read.History.Count > 0 ? read.History.Max(h => h.PushedAt) : info.LastModified;
            tags.Add((repository, pushedAt, blobs));
        }).ConfigureAwait(false);
        return tags.GroupBy(t => t.Repository, StringComparer.Ordinal)
            .Select(image =>
            {
                var distinct = new Dictionary<Digest, long>();
                foreach (var (digest, size) in image.SelectMany(t => t.Blobs)) distinct.TryAdd(digest, size);
                return new ImageSummaryRow(image.Key, image.Count(), image.Max(t => t.PushedAt), distinct.Values.Sum());
            })
            .OrderByDescending(r => r.LastPush).ThenBy(r => r.Image, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The pushes of one image's tags (or of <paramref name="tag"/> only), newest first: each tag's
    /// current state, and with <paramref name="all"/> the older history entries, marked superseded.
    /// </summary>
    public static async Task<IReadOnlyList<TagHistoryRow>> TagsAsync(ImageBucket bucket, string repository, string? tag, bool all, int parallelism,
        CancellationToken ct)
    {
        var found = new List<(string Tag, ObjectInfo Info)>();
        if (tag is not null)
        {
            if (await bucket.Store.HeadAsync(BucketLayout.ManifestKey(repository, tag), ct).ConfigureAwait(false) is { } info) found.Add((tag, info));
            if (found.Count == 0) throw new NotFoundException($"tag '{repository}:{tag}' not found in {bucket.Name}", $"see its tags with: s3lo history {bucket.Name}/{repository}");
        }
        else
        {
            await foreach (var info in bucket.Store.ListAsync($"{BucketLayout.ManifestsPrefix}{repository}/", ct).ConfigureAwait(false))
            {
                if (BucketLayout.ParseManifestKey(info.Key) is { } name && name.Repository == repository) found.Add((name.Tag, info));
            }
            if (found.Count == 0) throw new NotFoundException($"no tags of '{repository}' in {bucket.Name}", $"see the images with: s3lo history {bucket.Name}");
        }
        var rows = new ConcurrentBag<TagHistoryRow>();
        await Parallel.ForEachAsync(found, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (entry, token) =>
        {
            if (await ReadTagAsync(bucket, repository, entry.Tag, entry.Info, token).ConfigureAwait(false) is not { } read) return;
            foreach (var row in Rows(entry.Tag, entry.Info, read.Manifest.Digest, read.History, all)) rows.Add(row);
        }).ConfigureAwait(false);
        if (rows.IsEmpty) throw new NotFoundException($"no tags of '{repository}' in {bucket.Name}", $"see the images with: s3lo history {bucket.Name}");
        return rows.OrderByDescending(r => r.PushedAt).ThenBy(r => r.Superseded).ThenBy(r => r.Tag, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The history entry that wrote <paramref name="current"/>: the newest with its digest. None when the
    /// history lags (written by a tool without one) or is missing.
    /// </summary>
    public static HistoryEntry? CurrentEntry(IReadOnlyList<HistoryEntry> history, Digest current) =>
        history.Where(h => h.Digest == current.ToString()).OrderByDescending(h => h.PushedAt).FirstOrDefault();

    internal static IEnumerable<TagHistoryRow> Rows(string tag, ObjectInfo manifest, Digest current, IReadOnlyList<HistoryEntry> history, bool all)
    {
        var entry = CurrentEntry(history, current);
        yield return new TagHistoryRow(tag, entry?.PushedAt ?? manifest.LastModified, KnownSize(entry), current.ToString(), entry?.Command,
            entry?.Source, Superseded: false);
        if (!all) yield break;
        foreach (var older in history)
        {
            if (ReferenceEquals(older, entry)) continue;
            yield return new TagHistoryRow(tag, older.PushedAt, KnownSize(older), older.Digest, older.Command, older.Source, Superseded: true);
        }
    }

    private sealed record ReadTag(ManifestBlob Manifest, IReadOnlyList<HistoryEntry> History);

    // manifest.json and history.json at once: a large bucket's history is round trips, not bytes.
    private static async Task<ReadTag?> ReadTagAsync(ImageBucket bucket, string repository, string tag, ObjectInfo info, CancellationToken ct)
    {
        var history = bucket.ReadHistoryAsync(repository, tag, ct);
        byte[] bytes;
        try
        {
            bytes = await SmallObjects.ReadAsync(bucket, BucketLayout.ManifestKey(repository, tag), info.Size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            await ((Task)history).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null; // deleted since the listing
        }
        catch
        {
            await ((Task)history).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        return new ReadTag(ManifestBlob.Parse(bytes, $"manifest of {repository}:{tag}"), await history.ConfigureAwait(false));
    }

    private const int MaxIndexDepth = 8;

    // The manifest itself, then its config and layers, or an index's child manifests (each read once per bucket).
    private static async Task AddBlobsAsync(ImageBucket bucket, ManifestBlob manifest, Dictionary<Digest, long> blobs,
        ConcurrentDictionary<Digest, Task<ManifestBlob?>> manifests, int depth, CancellationToken ct)
    {
        blobs.TryAdd(manifest.Digest, manifest.Size);
        if (manifest.Manifest is { } image)
        {
            foreach (var descriptor in (IEnumerable<Descriptor>)[image.Config, .. image.Layers])
                if (Digest.TryParse(descriptor.Digest, out var digest)) blobs.TryAdd(digest, descriptor.Size);
            return;
        }
        foreach (var child in manifest.Index!.Manifests)
        {
            if (!Digest.TryParse(child.Digest, out var digest)) continue;
            if (depth >= MaxIndexDepth || !blobs.TryAdd(digest, child.Size)) continue;
            var read = await manifests.GetOrAdd(digest, d => ReadChildAsync(bucket, d, child, ct)).ConfigureAwait(false);
            if (read is not null) await AddBlobsAsync(bucket, read, blobs, manifests, depth + 1, ct).ConfigureAwait(false);
        }
    }

    // A child that is missing or not a manifest (an attestation's blob) counts its own bytes only.
    private static async Task<ManifestBlob?> ReadChildAsync(ImageBucket bucket, Digest digest, Descriptor child, CancellationToken ct)
    {
        if (!MediaTypes.IsIndex(child.MediaType) && !MediaTypes.IsManifest(child.MediaType)) return null;
        try
        {
            var bytes = await SmallObjects.ReadAsync(bucket, BucketLayout.BlobKey(digest), child.Size, ct).ConfigureAwait(false);
            return ManifestBlob.Parse(bytes, $"manifest {digest}", child.MediaType);
        }
        catch (Exception e) when (e is ObjectNotFoundException or S3loException)
        {
            return null;
        }
    }

    /// <summary>A recorded 0 means unknown (the v1 fixture has one): no image is 0 bytes.</summary>
    private static long? KnownSize(HistoryEntry? entry) => entry?.SizeBytes > 0 ? entry.SizeBytes : null;
}
