using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <param name="Blob">The stored (possibly compressed) layer blob.</param>
/// <param name="TarSize">The uncompressed tar's size, when recorded.</param>
public sealed record CachedLayer(Descriptor Blob, long? TarSize);
