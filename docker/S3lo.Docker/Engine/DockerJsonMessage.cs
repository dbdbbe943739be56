using System.Text.Json.Serialization;

namespace S3lo.Docker.Engine;

/// <summary>One line of a streamed daemon response (load, pull): progress text or an error.</summary>
public sealed record DockerJsonMessage
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("progressDetail")] public DockerProgressDetail? ProgressDetail { get; init; }
    [JsonPropertyName("stream")] public string? Stream { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("errorDetail")] public DockerErrorBody? ErrorDetail { get; init; }
}

/// <summary>The numbers under a progress message (a layer's download, extraction or load): bytes done of total (total is 0 when unknown).</summary>
public sealed record DockerProgressDetail
{
    [JsonPropertyName("current")] public long Current { get; init; }
    [JsonPropertyName("total")] public long Total { get; init; }
}
