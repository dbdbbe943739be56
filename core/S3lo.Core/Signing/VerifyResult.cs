using S3lo.Core.Digests;

namespace S3lo.Core.Signing;

/// <summary>The verdict on one key's signature beside a tag.</summary>
public abstract record VerifyResult(string KeyId)
{
    /// <summary>The signature verifies and covers the manifest the tag points at now.</summary>
    public sealed record Valid(string KeyId, Digest Digest, DateTimeOffset SignedAt) : VerifyResult(KeyId);

    /// <summary>No signature file for this key beside the tag.</summary>
    public sealed record Missing(string KeyId) : VerifyResult(KeyId);

    /// <summary>The signature verifies, but for a manifest the tag no longer points at (pushed again since).</summary>
    public sealed record Moved(string KeyId, Digest SignedDigest, Digest CurrentDigest, DateTimeOffset SignedAt) : VerifyResult(KeyId);

    /// <summary>The tag itself does not exist: nothing there is signed (a verdict, unlike a bucket that is not there).</summary>
    public sealed record NoTag(string KeyId) : VerifyResult(KeyId);

    /// <summary>The file is there but proves nothing: <paramref name="Reason"/> says why.</summary>
    public sealed record Invalid(string KeyId, string Reason) : VerifyResult(KeyId);
}
