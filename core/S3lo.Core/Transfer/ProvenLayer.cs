using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// A layer tar (by diff ID) and the blob a transfer proved holds it: encoded here, decoded here, or
/// checked by a destination that verifies diff IDs. Recorded in the layer cache once committed.
/// </summary>
/// <param name="TarSize">The plain tar's size, when known.</param>
public sealed record ProvenLayer(Digest DiffId, Descriptor Blob, long? TarSize);
