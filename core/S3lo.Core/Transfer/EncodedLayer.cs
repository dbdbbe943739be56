using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>A layer tar a transfer encoded (or found already stored), to record in the layer cache once committed.</summary>
/// <param name="TarSize">The plain tar's size, when known.</param>
public sealed record EncodedLayer(Digest DiffId, Descriptor Blob, long? TarSize);
