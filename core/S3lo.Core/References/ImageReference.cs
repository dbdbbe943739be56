using S3lo.Core.Digests;

namespace S3lo.Core.References;

/// <summary>One image in a store, named by exactly one of a tag or a digest.</summary>
public sealed record ImageReference(BucketLocation Location, string Repository, string? Tag, Digest? Digest)
{
    // Enforced here too (not only in the parser) so code that builds references by hand cannot
    // create one that names both or neither.
    public string? Tag { get; init; } = (Tag is null) != (Digest is null)
        ? Tag
        : throw new ArgumentException("an image reference needs exactly one of a tag or a digest", nameof(Tag));

    /// <summary>The tag, or "sha256:..." for a digest reference.</summary>
    public string TagOrDigest => Tag ?? Digest!.Value.ToString();

    /// <summary>"s3://b/org/app:1.0" or "local:///abs/store/app@sha256:...", parseable again.</summary>
    public override string ToString() =>
        Location + Repository + (Tag is not null ? ":" + Tag : "@" + Digest!.Value);
}
