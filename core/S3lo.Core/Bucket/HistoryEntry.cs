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

    /// <summary>What wrote the tag: <c>push</c> or <c>copy</c>. Absent in s3lo v1 entries; written only when set.</summary>
    [JsonPropertyName("command")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Command { get; init; }

    /// <summary>What the image came from, as the user named it (no credentials). Absent in s3lo v1 entries.</summary>
    [JsonPropertyName("source")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }
}
