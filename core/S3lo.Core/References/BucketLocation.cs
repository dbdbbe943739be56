namespace S3lo.Core.References;

/// <summary>
/// Where a store lives: a scheme plus the bucket or container name. For <see cref="StoreScheme.Local"/>,
/// <see cref="Bucket"/> is the absolute, normalized store root directory (no trailing separator).
/// </summary>
public sealed record BucketLocation(StoreScheme Scheme, string Bucket)
{
    public string SchemeName => StoreSchemes.Name(Scheme);

    /// <summary>"s3://bucket/" or "local:///abs/root/": a valid prefix for image names.</summary>
    public override string ToString() => StoreSchemes.Prefix(Scheme) + Bucket.TrimEnd('/') + "/";
}
