using S3lo.Core.Storage;

namespace S3lo.Core.Init;

/// <param name="Store">The store as users write it (<c>s3://bucket</c>, <c>local:///srv/store</c>).</param>
/// <param name="Created">Init created the bucket, container or directory.</param>
/// <param name="Location">The bucket's region or location, where the provider knows it.</param>
/// <param name="Contents">What the bucket held before.</param>
/// <param name="FirstOtherKey">With <see cref="StoreContents.Other"/>: one of the objects found.</param>
/// <param name="ConfigWritten">The default s3lo.yaml was written (false: one was there already).</param>
/// <param name="DeleteRefused">Why the probe object could not be deleted; null when delete works.</param>
/// <param name="ProbeKey">The key of the probe object written, read and deleted.</param>
public sealed record InitReport(string Store, bool Created, string? Location, StoreContents Contents, string? FirstOtherKey,
    bool ConfigWritten, string? DeleteRefused, string ProbeKey)
{
    public bool CanDelete => DeleteRefused is null;
}
