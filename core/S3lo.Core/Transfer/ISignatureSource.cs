using S3lo.Core.Signing;

namespace S3lo.Core.Transfer;

/// <summary>A source that keeps s3lo signature files beside its tag (a bucket); the engine carries them along.</summary>
public interface ISignatureSource
{
    /// <summary>The signature files beside the source's tag; none when the source was named by digest.</summary>
    Task<IReadOnlyList<StoredSignature>> ListSignaturesAsync(CancellationToken ct);
}
