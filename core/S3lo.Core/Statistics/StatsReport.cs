namespace S3lo.Core.Statistics;

/// <summary>
/// What a bucket holds and what deduplication saves: the numbers <c>s3lo stats</c> prints.
/// Blob bytes are sizes of objects under blobs/sha256/; tag files under manifests/ are metadata.
/// </summary>
public sealed record StatsReport
{
    /// <summary>Distinct repositories with at least one tag.</summary>
    public int Images { get; init; }
    public int Tags { get; init; }
    /// <summary>Objects under blobs/sha256/.</summary>
    public int Blobs { get; init; }
    /// <summary>Stored blobs some tag reaches (its index, platform manifests, configs, layers).</summary>
    public int ReferencedBlobs { get; init; }
    /// <summary>Blobs tags name that the bucket does not hold (broken images).</summary>
    public int MissingBlobs { get; init; }
    /// <summary>Sum over tags of the tag's image size: what separate registries per tag would store.</summary>
    public long LogicalBytes { get; init; }
    /// <summary>Sum of the sizes of every blob under blobs/sha256/.</summary>
    public long StoredBytes { get; init; }
    /// <summary>Tags' manifest.json files and signatures under manifests/ (not in <see cref="StoredBytes"/>).</summary>
    public long MetadataBytes { get; init; }
    public int UnreferencedBlobs { get; init; }
    public long UnreferencedBytes { get; init; }
    /// <summary>Blob bytes and counts per storage class, largest first; empty where the provider reports none.</summary>
    public IReadOnlyList<StorageClassShare> StorageClasses { get; init; } = [];
    /// <summary>Up to ten layers, most tags first (then most images, larger, digest).</summary>
    public IReadOnlyList<LayerUsage> MostSharedLayers { get; init; } = [];
    /// <summary>Up to ten layers, largest first.</summary>
    public IReadOnlyList<LayerUsage> LargestLayers { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>1 − stored/logical, as a fraction; 0 when nothing is tagged.</summary>
    public double DedupSavings => LogicalBytes == 0 ? 0 : 1 - (double)StoredBytes / LogicalBytes;

    /// <summary>AWS bills storage per GB-month with GB = 2^30 bytes.</summary>
    public const double BytesPerGb = 1L << 30;

    public static double MonthlyCost(long bytes, double pricePerGbMonth) => bytes / BytesPerGb * pricePerGbMonth;
}

public sealed record StorageClassShare(string StorageClass, int Blobs, long Bytes);

/// <param name="Images">Distinct repositories with a tag that reaches the layer.</param>
/// <param name="Tags">Tags that reach the layer.</param>
public sealed record LayerUsage(string Digest, long Size, int Images, int Tags);
