using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.S3.Tests;

/// <summary>The object-store contract on the Ceph RGW: a fresh bucket per test, 5 MiB parts so 11 MiB goes up in three.</summary>
public sealed class S3StoreContractTests : ObjectStoreContract
{
    private string _bucket = "";

    protected override int LargeObjectBytes => 11 * MiB + 17;

    protected override async Task<IObjectStore> OpenFreshStoreAsync()
    {
        RgwServer.Require();
        _bucket = RgwServer.NewBucketName();
        var store = (S3ObjectStore)await new S3StoreProvider().OpenAsync(_bucket, RgwServer.Options(create: true), None);
        store.MultipartThreshold = 5 * MiB;
        store.PartSize = 5 * MiB;
        return store;
    }

    protected override Task DeleteFreshStoreAsync() => _bucket.Length > 0 ? RgwServer.DeleteBucketAsync(_bucket) : Task.CompletedTask;
}
