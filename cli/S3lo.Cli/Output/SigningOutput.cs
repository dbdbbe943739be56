using S3lo.Core.Signing;

namespace S3lo.Cli.Output;

/// <summary>keygen's result with --output json|yaml.</summary>
public sealed record KeygenSummary(string PrivateKey, string PublicKey, string KeyId);

/// <summary>sign's result with --output json|yaml.</summary>
public sealed record SignSummary(string Reference, string Digest, string KeyId, string KeyRef, string SignedAt);

/// <summary>
/// verify's result with --output json|yaml. <see cref="Result"/> is valid, missing, moved, invalid or no-tag;
/// <see cref="Digest"/> is what the tag points at now (when read), <see cref="SignedDigest"/> what the signature covers.
/// </summary>
public sealed record VerifySummary(string Reference, bool Verified, string Result, string KeyId)
{
    public string? Digest { get; init; }
    public string? SignedDigest { get; init; }
    public string? SignedAt { get; init; }
    public string? Reason { get; init; }

    public static VerifySummary From(string reference, VerifyResult result) => result switch
    {
        VerifyResult.Valid v => new(reference, true, "valid", v.KeyId) { Digest = v.Digest.ToString(), SignedDigest = v.Digest.ToString(), SignedAt = Rfc3339(v.SignedAt) },
        VerifyResult.Moved m => new(reference, false, "moved", m.KeyId) { Digest = m.CurrentDigest.ToString(), SignedDigest = m.SignedDigest.ToString(), SignedAt = Rfc3339(m.SignedAt) },
        VerifyResult.NoTag n => new(reference, false, "no-tag", n.KeyId),
        VerifyResult.Invalid i => new(reference, false, "invalid", i.KeyId) { Reason = i.Reason },
        _ => new(reference, false, "missing", result.KeyId),
    };

    private static string Rfc3339(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
