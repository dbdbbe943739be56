namespace S3lo.Core.Storage;

/// <summary>
/// A flat key → bytes store: one implementation per scheme (local, s3, gs, az). Providers know
/// nothing about images; the bucket layout is written once, in core, on top of this.
/// Keys use '/' separators and never start with '/' or contain '.' or '..' segments.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>How to show this store to a user, e.g. <c>local:///srv/store</c> or <c>s3://bucket</c>.</summary>
    string DisplayName { get; }

    /// <summary>Size, time and version tag of an object; null when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct);

    /// <summary>Opens an object for sequential reading; throws <see cref="ObjectNotFoundException"/>.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Opens <paramref name="length"/> bytes from <paramref name="offset"/>; throws <see cref="ObjectNotFoundException"/>.</summary>
    Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct);

    /// <summary>
    /// Writes an object from a stream read exactly once. The object becomes visible only when
    /// the stream has been read to its end without error: a failed or cancelled write leaves
    /// nothing at <paramref name="key"/>. Throws <see cref="PreconditionFailedException"/> when
    /// <see cref="PutOptions.Condition"/> does not hold.
    /// </summary>
    Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in no promised order.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Deletes an object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>
    /// Deletes an object only while its version tag is still <paramref name="etag"/> (as
    /// <see cref="HeadAsync"/> gave it); throws <see cref="PreconditionFailedException"/> when another
    /// writer replaced it, so a delete never removes what it did not read.
    /// </summary>
    Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct);

    /// <summary>
    /// Deletes many objects with the provider's batch API where it has one (S3 DeleteObjects, Azure blob
    /// batch), else with parallel single deletes. Missing objects are not an error. Returns the keys that
    /// could not be deleted, each with the reason the store gave; never throws for one key's failure.
    /// </summary>
    Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct);
}
