using System.Text.Json.Serialization;

namespace S3lo.Core.Bucket;

/// <summary>One push of a tag, as s3lo v1 writes it in history.json (newest first).</summary>
public sealed record HistoryEntry
{
    [JsonPropertyName("pushed_at")] public DateTimeOffset PushedAt { get; init; }
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
    [JsonPropertyName("size_bytes")] public long SizeBytes { get; init; }

    /// <summary>This push moved an immutable tag with --force. Written only when true, so s3lo v1 reads the entry unchanged.</summary>
    [JsonPropertyName("forced")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Forced { get; init; }
}
