using System.Text.Json.Serialization;

namespace S3lo.Docker.SaveFormat;

/// <summary>One image in a docker-archive's <c>manifest.json</c>; paths are relative to the archive root.</summary>
internal sealed record DockerArchiveManifestEntry
{
    [JsonPropertyName("Config")] public string Config { get; init; } = "";

    // Written as null (not omitted) for untagged loads, which is what docker itself writes.
    [JsonPropertyName("RepoTags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")] public IReadOnlyList<string> Layers { get; init; } = [];
}
