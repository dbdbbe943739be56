using System.Text.Json.Serialization;

namespace S3lo.Core.Archives;

/// <summary>The <c>oci-layout</c> marker file of an OCI image layout.</summary>
internal sealed record OciLayoutFile
{
    [JsonPropertyName("imageLayoutVersion")] public string? ImageLayoutVersion { get; init; }
}
