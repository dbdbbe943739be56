using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// A destination where another process may delete blobs while a transfer runs (a bucket that a concurrent
/// clean sweeps: a blob skipped because it existed, or one just uploaded, can go before the tag lands).
/// After a commit that moved the name, the engine asks which blobs of the committed image are gone and
/// copies them again through its verified path.
/// </summary>
public interface ICommitRecheck
{
    /// <summary>
    /// Waits until nothing is deleting blobs here (<paramref name="waiting"/> gets one line, once, if it has to
    /// wait), then returns those of <paramref name="blobs"/> that are missing.
    /// </summary>
    Task<IReadOnlyList<Descriptor>> FindMissingAfterCommitAsync(IReadOnlyList<Descriptor> blobs, Action<string> waiting, CancellationToken ct);
}
