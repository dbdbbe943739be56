using System.Globalization;
using S3lo.Core.Statistics;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Output;

/// <summary><c>stats --output json|yaml</c>: raw numbers (bytes, fractions, US dollars per month).</summary>
public sealed record StatsSummary
{
    public required string Bucket { get; init; }
    public int Images { get; init; }
    public int Tags { get; init; }
    public int Blobs { get; init; }
    public int ReferencedBlobs { get; init; }
    public int MissingBlobs { get; init; }
    public long LogicalBytes { get; init; }
    public long StoredBytes { get; init; }
    public long MetadataBytes { get; init; }
    public double DedupSavings { get; init; }
    public int UnreferencedBlobs { get; init; }
    public long UnreferencedBytes { get; init; }
    public double MonthlyCost { get; init; }
    public double EcrMonthlyCost { get; init; }
    public double PriceStorage { get; init; }
    public double PriceEcr { get; init; }
    public required IReadOnlyList<StorageClassShare> StorageClasses { get; init; }
    public IReadOnlyList<LayerUsage>? MostSharedLayers { get; init; }
    public IReadOnlyList<LayerUsage>? LargestLayers { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }

    public static StatsSummary From(string bucket, StatsReport report, StatsPrices prices, bool layers) => new()
    {
        Bucket = bucket,
        Images = report.Images,
        Tags = report.Tags,
        Blobs = report.Blobs,
        ReferencedBlobs = report.ReferencedBlobs,
        MissingBlobs = report.MissingBlobs,
        LogicalBytes = report.LogicalBytes,
        StoredBytes = report.StoredBytes,
        MetadataBytes = report.MetadataBytes,
        DedupSavings = report.DedupSavings,
        UnreferencedBlobs = report.UnreferencedBlobs,
        UnreferencedBytes = report.UnreferencedBytes,
        MonthlyCost = StatsReport.MonthlyCost(report.StoredBytes, prices.Storage),
        EcrMonthlyCost = StatsReport.MonthlyCost(report.LogicalBytes, prices.Ecr),
        PriceStorage = prices.Storage,
        PriceEcr = prices.Ecr,
        StorageClasses = report.StorageClasses,
        MostSharedLayers = layers ? report.MostSharedLayers : null,
        LargestLayers = layers ? report.LargestLayers : null,
        Warnings = report.Warnings,
    };
}

/// <summary>USD per GB-month (GB = 2^30 bytes) for the bucket's storage and for ECR.</summary>
public sealed record StatsPrices(double Storage, double Ecr);

/// <summary><c>stats</c>' text output: aligned <c>key: value</c> lines, then the layer tables with --layers.</summary>
internal static class StatsText
{
    private const int KeyWidth = 15;

    public static void Write(string bucket, StatsReport report, StatsPrices prices, bool layers)
    {
        Line("bucket", bucket);
        Line("images", Count(report.Images));
        Line("tags", Count(report.Tags));
        Line("blobs", $"{Count(report.Blobs)} ({Count(report.ReferencedBlobs)} referenced by tags)");
        if (report.MissingBlobs > 0) Line("missing blobs", $"{Count(report.MissingBlobs)} (tags name them; the bucket does not hold them)");
        Line("logical", Sizes.Human(report.LogicalBytes));
        Line("stored", Sizes.Human(report.StoredBytes));
        Line("metadata", Sizes.Human(report.MetadataBytes));
        Line("dedup savings", (report.DedupSavings * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        Line("unreferenced", report.UnreferencedBlobs == 0
            ? "none"
            : $"{Plural(report.UnreferencedBlobs, "blob")}, {Sizes.Human(report.UnreferencedBytes)} ('s3lo clean --blobs {bucket}' removes them)");
        Line("monthly cost", $"{Dollars(StatsReport.MonthlyCost(report.StoredBytes, prices.Storage))} (ECR equivalent: {Dollars(StatsReport.MonthlyCost(report.LogicalBytes, prices.Ecr))})");
        foreach (var share in report.StorageClasses)
            Line("storage class", $"{share.StorageClass} {Sizes.Human(share.Bytes)} ({Plural(share.Blobs, "blob")})");
        if (!layers) return;
        Table("most shared layers", report.MostSharedLayers);
        Table("largest layers", report.LargestLayers);
    }

    private static void Table(string title, IReadOnlyList<LayerUsage> rows)
    {
        Console.WriteLine($"{title}:");
        if (rows.Count == 0) Console.WriteLine("  none");
        foreach (var row in rows)
            Console.WriteLine(Escape($"  {row.Digest}  {Sizes.Human(row.Size),7}  {Plural(row.Images, "image")}, {Plural(row.Tags, "tag")}"));
    }

    private static void Line(string key, string value) => Console.WriteLine(Escape((key + ":").PadRight(KeyWidth) + value));

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Plural(int n, string noun) => $"{Count(n)} {noun}{(n == 1 ? "" : "s")}";

    private static string Dollars(double amount) => "$" + amount.ToString("0.00", CultureInfo.InvariantCulture);
}
