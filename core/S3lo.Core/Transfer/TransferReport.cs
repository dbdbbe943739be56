using S3lo.Core.Digests;

namespace S3lo.Core.Transfer;

public sealed record TransferReport(
    Digest Digest,
    string MediaType,
    IReadOnlyList<string> Platforms,
    int BlobsCopied,
    long BytesCopied,
    int BlobsSkipped,
    long BytesSkipped,
    CommitResult Commit);
