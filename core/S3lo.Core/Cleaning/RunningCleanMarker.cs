using System.Text.Json.Serialization;

namespace S3lo.Core.Cleaning;

/// <summary>
/// <c>s3lo-gc/running/&lt;run&gt;.json</c>: a clean that is about to delete blobs. A push that commits while
/// one is live waits for it to go, then re-checks its blobs (docs/clean.md). Past
/// <see cref="ExpiresAt"/> it is a leftover of a killed run and readers ignore it.
/// </summary>
public sealed record RunningCleanMarker
{
    [JsonPropertyName("run")] public string Run { get; init; } = "";
    [JsonPropertyName("started_at")] public DateTimeOffset StartedAt { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset ExpiresAt { get; init; }

    public bool IsLive(DateTimeOffset now) => now < ExpiresAt;
}
