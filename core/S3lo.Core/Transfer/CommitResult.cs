using S3lo.Core.Digests;

namespace S3lo.Core.Transfer;

/// <param name="PreviousDigest">What the name pointed at before, if anything.</param>
/// <param name="Unchanged">True when the name already pointed at exactly this root.</param>
public sealed record CommitResult(Digest Digest, Digest? PreviousDigest, bool Unchanged);
