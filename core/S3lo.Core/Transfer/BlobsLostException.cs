using S3lo.Core.Errors;

namespace S3lo.Core.Transfer;

/// <summary>
/// A concurrent clean deleted a blob of the image just committed, and the source could not give it again
/// (a push that reused the bucket's copy of a layer never exported it). The same transfer run again
/// finds the blob missing before its commit and uploads it.
/// </summary>
/// <param name="commit">The commit that landed (the tag now holds the image).</param>
public sealed class BlobsLostException(string message, string hint, CommitResult commit, Exception inner) : S3loException(message, hint, inner)
{
    public CommitResult Commit { get; } = commit;
}
