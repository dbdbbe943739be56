namespace S3lo.Core.Storage;

/// <summary>
/// A store whose interrupted uploads leave parts behind that cost money and are invisible to listing
/// (S3 multipart uploads, a local store's temp files). <c>clean</c> lists and aborts the old ones.
/// </summary>
public interface IIncompleteUploads
{
    /// <summary>Every upload started and neither completed nor aborted, in no promised order.</summary>
    IAsyncEnumerable<IncompleteUpload> ListIncompleteUploadsAsync(CancellationToken ct);

    /// <summary>Drops an upload's parts; one that is gone already is not an error.</summary>
    Task AbortAsync(IncompleteUpload upload, CancellationToken ct);
}

/// <param name="UploadId">The provider's handle (S3 upload ID, a temp file's name).</param>
/// <param name="Size">Bytes held by its parts, when the provider says without extra requests.</param>
public sealed record IncompleteUpload(string Key, string UploadId, DateTimeOffset Initiated, long? Size);
