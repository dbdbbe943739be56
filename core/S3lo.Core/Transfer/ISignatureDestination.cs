using S3lo.Core.Signing;

namespace S3lo.Core.Transfer;

/// <summary>A destination that keeps s3lo signature files beside its tag (a bucket).</summary>
public interface ISignatureDestination
{
    /// <summary>Stores a signature file byte-exact beside the tag just committed, replacing one by the same key.</summary>
    Task WriteSignatureAsync(StoredSignature signature, CancellationToken ct);
}
