using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Transfer;

/// <summary>A source whose blobs are objects in a store, so a destination on the same service may copy them server-side.</summary>
public interface IStoredBlobSource
{
    /// <summary>The store and key holding the blob.</summary>
    (IObjectStore Store, string Key) Locate(Descriptor descriptor);
}
