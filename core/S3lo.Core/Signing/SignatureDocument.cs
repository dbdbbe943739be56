using System.Text.Json.Serialization;

namespace S3lo.Core.Signing;

/// <summary>
/// One signature file, <c>manifests/&lt;image&gt;/&lt;tag&gt;/signatures/&lt;keyid&gt;.json</c> (the same shape s3lo v1 writes).
/// <see cref="Payload"/> is base64 of <c>sha256:&lt;hex&gt;\n</c> (the signed manifest digest), <see cref="Signature"/>
/// base64 of the DER-encoded ECDSA P-256 signature over the payload bytes.
/// </summary>
public sealed record SignatureDocument
{
    public const string EcdsaSha256 = "ECDSA_SHA_256";

    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 1;
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
    [JsonPropertyName("keyRef")] public string KeyRef { get; init; } = "";
    [JsonPropertyName("keyID")] public string KeyId { get; init; } = "";
    [JsonPropertyName("algorithm")] public string Algorithm { get; init; } = EcdsaSha256;
    [JsonPropertyName("signature")] public string Signature { get; init; } = "";
    [JsonPropertyName("payload")] public string Payload { get; init; } = "";
    [JsonPropertyName("signedAt")] public DateTimeOffset SignedAt { get; init; }
}
