using System.Text.Json.Serialization;

namespace S3lo.Docker.Engine;

/// <summary>One line of a streamed daemon response (load, pull): progress text or an error.</summary>
internal sealed record DockerJsonMessage
{
    [JsonPropertyName("stream")] public string? Stream { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("errorDetail")] public DockerErrorBody? ErrorDetail { get; init; }
}
