using System.Text.Json.Serialization;

namespace S3lo.Core.Oci;

/// <summary>The parts of an image config s3lo reads. Configs are never re-serialized: their bytes are the image ID.</summary>
public sealed record ImageConfig
{
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("os")] public string? Os { get; init; }
    [JsonPropertyName("variant")] public string? Variant { get; init; }
    [JsonPropertyName("os.version")] public string? OsVersion { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("rootfs")] public RootFs? RootFs { get; init; }

    public Platform ToPlatform() => new()
    {
        Os = Os ?? "",
        Architecture = Architecture ?? "",
        Variant = string.IsNullOrEmpty(Variant) ? null : Variant,
        OsVersion = string.IsNullOrEmpty(OsVersion) ? null : OsVersion,
    };
}

public sealed record RootFs
{
    [JsonPropertyName("type")] public string Type { get; init; } = "layers";
    [JsonPropertyName("diff_ids")] public IReadOnlyList<string> DiffIds { get; init; } = [];
}
