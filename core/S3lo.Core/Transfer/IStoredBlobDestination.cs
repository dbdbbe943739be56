using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Transfer;

/// <summary>A destination that can take a blob by a server-side copy from another store.</summary>
public interface IStoredBlobDestination
{
    /// <summary>Copies the blob on the server; false when it cannot, and the caller streams instead.</summary>
    Task<bool> TryCopyBlobAsync(Descriptor descriptor, IObjectStore sourceStore, string sourceKey, CancellationToken ct);
}
