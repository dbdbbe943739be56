using System.Text.Json.Serialization;

namespace S3lo.Core.Bucket;

/// <summary>The diff-ID index entry: which stored blob holds a layer's (uncompressed) tar in a given compression.</summary>
public sealed record IndexedLayer
{
    [JsonPropertyName("diffId")] public string DiffId { get; init; } = "";
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = "";
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
    [JsonPropertyName("size")] public long Size { get; init; }

    /// <summary>The uncompressed tar's size, when known: lets a push guess which exported layers are new.</summary>
    [JsonPropertyName("tarSize")] public long? TarSize { get; init; }
}
