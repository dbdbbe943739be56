using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Statistics;

/// <summary>
/// Counts a bucket: one listing of manifests/, one blob inventory (sixteen listings at once), then every
/// tag's manifest.json and every platform manifest its index names, each distinct manifest read once.
/// Reads only: nothing in the bucket changes.
/// </summary>
public sealed class BucketStatistics(ImageBucket bucket, int parallelism)
{
    private const int MaxDepth = 8;
    private const int TopLayers = 10;
    private readonly ConcurrentDictionary<string, Lazy<Task<ManifestNode?>>> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _warnings = new();

    public async Task<StatsReport> ComputeAsync(CancellationToken ct)
    {
        var listing = TagListing.ListAsync(bucket.Store, ct);
        var inventory = await BlobInventory.ListAsync(bucket.Store, _ => { }, ct).ConfigureAwait(false);
        var tags = (await listing.ConfigureAwait(false)).Tags;
        var signatures = (await listing.ConfigureAwait(false)).Signatures;

        var reached = new ConcurrentBag<TagImage>();
        await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (tag, token) =>
        {
            if (await ReadTagAsync(tag.Key.Repository, tag.Key.Tag, tag.Value, inventory, token).ConfigureAwait(false) is { } image) reached.Add(image);
        }).ConfigureAwait(false);
        return Summarize(tags, signatures.Values, inventory, reached);
    }

    /// <summary>Every blob one tag reaches, with its size: the image a registry of its own would store.</summary>
    private async Task<TagImage?> ReadTagAsync(string repository, string tag, ObjectInfo manifestFile, BlobInventory inventory, CancellationToken ct)
    {
        var what = $"{repository}:{tag}";
        byte[] bytes;
        try
        {
            bytes = await SmallObjects.ReadAsync(bucket, manifestFile.Key, manifestFile.Size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            _warnings.Enqueue($"{what}: deleted while stats ran; not counted");
            return null;
        }
        var root = Digest.Compute(bytes);
        var image = new TagImage(repository, root.Hex);
        image.Blobs[root.Hex] = bytes.LongLength;
        // The tag's own bytes, never the shared entry: another tag's index may name this digest as a blob the bucket lacks.
        var node = ManifestNode.Read(bytes, $"{what}: manifest.json", Warn);
        _manifests.TryAdd(root.Hex, new Lazy<Task<ManifestNode?>>(Task.FromResult<ManifestNode?>(node)));
        await VisitAsync(node, what, image, inventory, 0, ct).ConfigureAwait(false);
        return image;
    }

    private async Task WalkAsync(string hex, long declaredSize, string what, TagImage image, BlobInventory inventory, int depth, CancellationToken ct)
    {
        if (depth > MaxDepth) return;
        var node = await _manifests.GetOrAdd(hex, h => new Lazy<Task<ManifestNode?>>(() => ReadManifestAsync(h, declaredSize, what, ct))).Value.ConfigureAwait(false);
        if (node is not null) await VisitAsync(node, what, image, inventory, depth, ct).ConfigureAwait(false);
    }

    private async Task VisitAsync(ManifestNode node, string what, TagImage image, BlobInventory inventory, int depth, CancellationToken ct)
    {
        foreach (var (blob, size) in node.Blobs) image.Blobs.TryAdd(blob, SizeOf(blob, size, inventory));
        foreach (var layer in node.Layers) image.Layers.Add(layer);
        foreach (var child in node.Children)
        {
            if (!Digest.TryParse(child.Digest, out var digest) || !image.Blobs.TryAdd(digest.Hex, SizeOf(digest.Hex, child.Size, inventory))) continue;
            await WalkAsync(digest.Hex, child.Size, what, image, inventory, depth + 1, ct).ConfigureAwait(false);
        }
    }

    private async Task<ManifestNode?> ReadManifestAsync(string hex, long size, string what, CancellationToken ct)
    {
        if (size > OciJson.MaxDocumentBytes)
        {
            Warn($"{what}: manifest sha256:{hex} is {size} bytes, too large for a manifest; not followed");
            return null;
        }
        try
        {
            var bytes = await SmallObjects.ReadAsync(bucket, BucketLayout.BlobsPrefix + hex, size, ct).ConfigureAwait(false);
            return ManifestNode.Read(bytes, $"{what}: manifest sha256:{hex}", Warn);
        }
        catch (ObjectNotFoundException)
        {
            Warn($"{what}: manifest sha256:{hex} is missing from the bucket (the image is broken)");
            return null;
        }
    }

    /// <summary>The stored size when the bucket holds the blob, else what the descriptor declares.</summary>
    private static long SizeOf(string hex, long declared, BlobInventory inventory) =>
        inventory.TryGetSize(hex, out var stored) ? stored : Math.Max(0, declared);

    private void Warn(string warning) => _warnings.Enqueue(warning);

    private StatsReport Summarize(Dictionary<(string Repository, string Tag), ObjectInfo> tags, IEnumerable<ObjectInfo> signatures,
        BlobInventory inventory, IEnumerable<TagImage> images)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var layers = new Dictionary<string, (HashSet<string> Images, int Tags)>(StringComparer.Ordinal);
        long logical = 0;
        foreach (var image in images)
        {
            foreach (var (hex, size) in image.Blobs)
            {
                logical += size;
                // A tag's root lives in its manifest.json: a blob only when an index or a copy stored one.
                if (inventory.Contains(hex)) referenced.Add(hex);
                else if (!image.IsRoot(hex)) missing.Add(hex);
            }
            foreach (var layer in image.Layers)
            {
                if (!layers.TryGetValue(layer, out var usage)) usage = ([], 0);
                usage.Images.Add(image.Repository);
                layers[layer] = (usage.Images, usage.Tags + 1);
            }
        }
        var classes = inventory.Classes.ToList();
        var unreferenced = classes.Where(b => !referenced.Contains(b.Hex)).ToList();
        var ranked = layers.Select(l => new LayerUsage(Digest.Sha256Prefix + l.Key, SizeOf(l.Key, -1, inventory), l.Value.Images.Count, l.Value.Tags)).ToList();
        return new StatsReport
        {
            Images = tags.Keys.Select(t => t.Repository).Distinct(StringComparer.Ordinal).Count(),
            Tags = tags.Count,
            Blobs = inventory.Count,
            ReferencedBlobs = referenced.Count,
            MissingBlobs = missing.Count,
            LogicalBytes = logical,
            StoredBytes = classes.Sum(b => b.Size),
            MetadataBytes = tags.Values.Sum(t => t.Size) + signatures.Sum(s => s.Size),
            UnreferencedBlobs = unreferenced.Count,
            UnreferencedBytes = unreferenced.Sum(b => b.Size),
            StorageClasses = [.. classes.Where(b => b.StorageClass is not null).GroupBy(b => b.StorageClass!, StringComparer.Ordinal)
                .Select(g => new StorageClassShare(g.Key, g.Count(), g.Sum(b => b.Size)))
                .OrderByDescending(s => s.Bytes).ThenBy(s => s.StorageClass, StringComparer.Ordinal)],
            MostSharedLayers = [.. ranked.OrderByDescending(l => l.Tags).ThenByDescending(l => l.Images).ThenByDescending(l => l.Size)
                .ThenBy(l => l.Digest, StringComparer.Ordinal).Take(TopLayers)],
            LargestLayers = [.. ranked.OrderByDescending(l => l.Size).ThenBy(l => l.Digest, StringComparer.Ordinal).Take(TopLayers)],
            Warnings = [.. _warnings.Distinct(StringComparer.Ordinal)],
        };
    }

    /// <summary>One tag's image: every blob it reaches (hex → bytes) and its layers.</summary>
    private sealed class TagImage(string repository, string rootHex)
    {
        public string Repository { get; } = repository;
        public Dictionary<string, long> Blobs { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Layers { get; } = new(StringComparer.Ordinal);

        public bool IsRoot(string hex) => hex == rootHex;
    }
}
