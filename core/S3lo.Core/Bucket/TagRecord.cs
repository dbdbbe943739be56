using S3lo.Core.Oci;

namespace S3lo.Core.Bucket;

/// <summary>A tag as stored: its manifest bytes and the version tag to guard an overwrite with.</summary>
public sealed record TagRecord(string Repository, string Tag, ManifestBlob Manifest, string? ETag);
