using System.Security.Cryptography;

namespace S3lo.Core.Signing;

/// <summary>A key's ID: the first 16 hex characters of the SHA-256 of its SubjectPublicKeyInfo DER; names its signature file.</summary>
public static class KeyId
{
    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];
}
