using S3lo.Core.References;
using S3lo.Core.Storage;

namespace S3lo.Core.Bucket;

/// <summary>Opens the bucket a reference names, through the provider registered for its scheme.</summary>
public sealed class BucketOpener(ObjectStoreFactory stores)
{
    public async Task<ImageBucket> OpenAsync(BucketLocation location, StoreOptions options, CancellationToken ct) =>
        new(await stores.OpenAsync(location.Scheme, location.Bucket, options, ct).ConfigureAwait(false));
}
