namespace S3lo.Core.Storage;

/// <param name="ETag">An opaque version tag for conditional writes (<see cref="WriteCondition.IfMatch"/>).</param>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified, string? ETag);
