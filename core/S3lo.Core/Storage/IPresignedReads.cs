namespace S3lo.Core.Storage;

/// <summary>
/// A store that can hand out a time-limited URL from which anyone can GET one object without
/// credentials (an S3 presigned URL, a GCS V4 signed URL, an Azure SAS URL): a server can then send a
/// client to the store instead of streaming the bytes itself.
/// </summary>
public interface IPresignedReads
{
    /// <summary>
    /// A GET URL for <paramref name="key"/> valid for <paramref name="ttl"/> (at most 7 days on every
    /// service), or null when these credentials cannot sign URLs: the caller then streams the object.
    /// Signing is local where the credentials allow it, not a request per URL. The URL does not check
    /// that the object exists, and its query is a secret: never log it.
    /// </summary>
    ValueTask<Uri?> PresignReadAsync(string key, TimeSpan ttl, CancellationToken ct);
}
