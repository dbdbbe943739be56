using System.Globalization;
using System.Text.Json.Serialization;

namespace S3lo.Docker.Engine;

/// <summary>The parts of <c>GET /images/{name}/json</c> s3lo uses. Id is the config digest.</summary>
public sealed record DockerImageInspect
{
    [JsonPropertyName("Id")] public string Id { get; init; } = "";
    [JsonPropertyName("RepoTags")] public IReadOnlyList<string>? RepoTags { get; init; }
    [JsonPropertyName("RepoDigests")] public IReadOnlyList<string>? RepoDigests { get; init; }
    [JsonPropertyName("Os")] public string? Os { get; init; }
    [JsonPropertyName("Architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("Variant")] public string? Variant { get; init; }
    [JsonPropertyName("Size")] public long Size { get; init; }

    /// <summary>RFC 3339 text as the daemon sends it (nanosecond precision, sometimes empty).</summary>
    [JsonPropertyName("Created")] public string? Created { get; init; }

    [JsonPropertyName("RootFS")] public DockerRootFs? RootFS { get; init; }

    /// <summary><see cref="Created"/> parsed, or null when absent or unparsable.</summary>
    [JsonIgnore]
    public DateTimeOffset? CreatedAt =>
        DateTimeOffset.TryParse(Created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
