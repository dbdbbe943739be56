using S3lo.Core.Digests;

namespace S3lo.Core.Transfer;

/// <param name="PreviousDigest">What the name pointed at before, if anything.</param>
/// <param name="Unchanged">True when the name already pointed at exactly this root.</param>
public sealed record CommitResult(Digest Digest, Digest? PreviousDigest, bool Unchanged)
{
    /// <summary>The name was immutable and moved anyway (--force): the user is told, and history records it.</summary>
    public bool Forced { get; init; }

    /// <summary>How messages name what was committed (<c>app:1</c>); null when the destination has no such name.</summary>
    public string? Tag { get; init; }
}
