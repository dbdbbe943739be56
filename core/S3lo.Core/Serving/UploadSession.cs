using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// A blob upload in progress as the bucket holds it: the chunks received so far, contiguous from
/// offset 0 and ordered. <see cref="Size"/> is where the next chunk starts.
/// </summary>
public sealed record UploadSession(string Id, string Repository, IReadOnlyList<ObjectInfo> Chunks)
{
    public long Size => Chunks.Sum(c => c.Size);

    /// <summary>The Range header value the Distribution API reports: <c>0-&lt;last byte&gt;</c>, and <c>0-0</c> when empty.</summary>
    public static string RangeOf(long size) => $"0-{Math.Max(0, size - 1)}";
}
