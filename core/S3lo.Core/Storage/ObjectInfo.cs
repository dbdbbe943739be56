namespace S3lo.Core.Storage;

/// <param name="ETag">An opaque version tag for conditional writes (<see cref="WriteCondition.IfMatch"/>).</param>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified, string? ETag)
{
    /// <summary>
    /// The storage class (S3, GCS) or access tier (Azure) a listing reported; null where the service
    /// reports none (a local directory, a HEAD, a put).
    /// </summary>
    public string? StorageClass { get; init; }
}
