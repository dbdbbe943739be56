using System.Text.Json.Serialization;

namespace S3lo.Docker.Engine;

/// <summary>The daemon's error body: <c>{"message":"..."}</c>.</summary>
public sealed record DockerErrorBody
{
    [JsonPropertyName("message")] public string? Message { get; init; }
}
