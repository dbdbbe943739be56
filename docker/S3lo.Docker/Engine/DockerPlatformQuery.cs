using System.Text.Json.Serialization;

namespace S3lo.Docker.Engine;

/// <summary>The JSON OCI platform the export endpoint's <c>platform</c> parameter takes (API 1.48+).</summary>
internal sealed record DockerPlatformQuery
{
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("variant")] public string? Variant { get; init; }
}
