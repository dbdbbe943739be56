using System.Text.Json.Serialization;
using S3lo.Core.Inspection;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Output;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageDetails))]
[JsonSerializable(typeof(List<TagListing>))]
[JsonSerializable(typeof(TransferSummary))]
[JsonSerializable(typeof(DeleteSummary))]
[JsonSerializable(typeof(InitSummary))]
[JsonSerializable(typeof(CleanSummary))]
[JsonSerializable(typeof(DoctorSummary))]
[JsonSerializable(typeof(ConfigChange))]
[JsonSerializable(typeof(ConfigView))]
[JsonSerializable(typeof(Recommendations))]
[JsonSerializable(typeof(PolicyReport))]
[JsonSerializable(typeof(List<ImageHistoryJson>))]
[JsonSerializable(typeof(List<TagHistoryJson>))]
[JsonSerializable(typeof(StatsSummary))]
[JsonSerializable(typeof(KeygenSummary))]
[JsonSerializable(typeof(SignSummary))]
[JsonSerializable(typeof(VerifySummary))]
public sealed partial class CliJsonContext : JsonSerializerContext;

public sealed record TagListing(string Image, string Tag)
{
    /// <summary>sha256 of the tag's manifest.json (<c>--output json|yaml</c> only).</summary>
    public string? Digest { get; init; }
    /// <summary>manifest.json's last-modified time, RFC 3339 UTC.</summary>
    public string? PushedAt { get; init; }
}

public sealed record TransferSummary
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public required string Digest { get; init; }
    public required IReadOnlyList<string> Platforms { get; init; }
    public int BlobsCopied { get; init; }
    public long BytesCopied { get; init; }
    public int BlobsSkipped { get; init; }
    public long BytesSkipped { get; init; }
    public bool Unchanged { get; init; }
    /// <summary>An immutable tag was moved with --force.</summary>
    public bool Forced { get; init; }
    /// <summary>Blobs a concurrent clean deleted before the tag landed, copied again after it.</summary>
    public int BlobsRepaired { get; init; }
    /// <summary>Signature files carried from the source tag (bucket to bucket).</summary>
    public int SignaturesCopied { get; init; }
    public bool? Exported { get; init; }

    public static TransferSummary From(TransferReport report, string source, string destination) => new()
    {
        Source = source,
        Destination = destination,
        Digest = report.Digest.ToString(),
        Platforms = report.Platforms,
        BlobsCopied = report.BlobsCopied,
        BytesCopied = report.BytesCopied,
        BlobsSkipped = report.BlobsSkipped,
        BytesSkipped = report.BytesSkipped,
        Unchanged = report.Commit.Unchanged,
        Forced = report.Commit.Forced,
        BlobsRepaired = report.BlobsRepaired,
        SignaturesCopied = report.SignaturesCopied,
    };
}

public sealed record DeleteSummary(string Deleted);
