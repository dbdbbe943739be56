using S3lo.Core.Digests;

namespace S3lo.Core.Transfer;

/// <param name="BlobsRepaired">Blobs a concurrent clean deleted before the commit landed, copied again after it.</param>
/// <param name="SignaturesCopied">Signature files of the source tag carried to the destination tag.</param>
public sealed record TransferReport(
    Digest Digest,
    string MediaType,
    IReadOnlyList<string> Platforms,
    int BlobsCopied,
    long BytesCopied,
    int BlobsSkipped,
    long BytesSkipped,
    CommitResult Commit,
    int BlobsRepaired = 0,
    int SignaturesCopied = 0);
