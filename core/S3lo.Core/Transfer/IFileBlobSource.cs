using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>A source whose blobs are files it wrote and hashed itself (a push's compressed layers).</summary>
public interface IFileBlobSource
{
    /// <summary>The file holding exactly this blob's bytes, already verified against its digest; null if none.</summary>
    string? VerifiedFileFor(Descriptor descriptor);
}
