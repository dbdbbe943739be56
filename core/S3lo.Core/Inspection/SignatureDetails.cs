namespace S3lo.Core.Inspection;

/// <summary>One signature file beside a tag, as <c>inspect</c> lists it (read, not verified: that needs the key).</summary>
/// <param name="Covers">"this-digest" when it names the tag's current digest, "other-digest" when the tag moved since, "unreadable".</param>
/// <param name="SignedDigest">The manifest digest the signature names; null when the file is unreadable.</param>
/// <param name="Problem">Why the file could not be read; null when it could.</param>
public sealed record SignatureDetails(string KeyId, string Covers, string? KeyRef, DateTimeOffset? SignedAt, string? SignedDigest, string? Problem)
{
    public const string ThisDigest = "this-digest";
    public const string OtherDigest = "other-digest";
    public const string Unreadable = "unreadable";
}
