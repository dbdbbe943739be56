using S3lo.Core.Digests;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// One layer of an archived image, in config order. For an uncompressed layer <see cref="BlobDigest"/>
/// equals <see cref="DiffId"/> and <see cref="MediaType"/> is the OCI tar type. <see cref="SpoolPath"/> is
/// null when the layer was skipped through <see cref="DockerArchiveReadOptions.SkipKnownBlob"/>.
/// Two layers with the same content may share one spooled file.
/// </summary>
public sealed record ArchiveLayer(Digest DiffId, Digest BlobDigest, string MediaType, long Size, string? SpoolPath);
