using System.Text.Json.Serialization;

namespace S3lo.Core.Oci;

/// <summary>The <c>oci-layout</c> marker file.</summary>
public sealed record OciLayoutFile
{
    [JsonPropertyName("imageLayoutVersion")] public string ImageLayoutVersion { get; init; } = "1.0.0";
}
