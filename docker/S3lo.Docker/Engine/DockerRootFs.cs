using System.Text.Json.Serialization;

namespace S3lo.Docker.Engine;

/// <summary>An image's filesystem: <see cref="Layers"/> are the diff IDs (digests of the uncompressed layer tars).</summary>
public sealed record DockerRootFs
{
    [JsonPropertyName("Type")] public string Type { get; init; } = "";
    [JsonPropertyName("Layers")] public IReadOnlyList<string> Layers { get; init; } = [];
}
