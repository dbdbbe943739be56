namespace S3lo.Core.References;

/// <summary>
/// Where a store lives: a scheme ("s3", "local") plus the bucket or container name. For a scheme whose
/// bucket is a path, <see cref="Bucket"/> is the absolute, normalized store root directory (no trailing separator).
/// </summary>
public sealed record BucketLocation(string Scheme, string Bucket)
{
    /// <summary>"s3://bucket/" or "local:///abs/root/": a valid prefix for image names.</summary>
    public override string ToString() => Scheme + "://" + Bucket.TrimEnd('/') + "/";
}
