using System.Text.Json.Serialization;

namespace S3lo.Core.Serving;

/// <summary>
/// <c>s3lo-uploads/&lt;id&gt;/session.json</c>: which repository opened the session and when, so a session is
/// used only through the name it was started under and a stale one can be recognised (docs/serve.md).
/// </summary>
public sealed record UploadSessionState
{
    [JsonPropertyName("repository")] public string Repository { get; init; } = "";
    [JsonPropertyName("started_at")] public DateTimeOffset StartedAt { get; init; }
}

[JsonSerializable(typeof(UploadSessionState))]
internal sealed partial class UploadSessionJsonContext : JsonSerializerContext;
