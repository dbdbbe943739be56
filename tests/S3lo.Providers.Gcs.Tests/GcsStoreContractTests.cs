using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>The object-store contract on the GCS emulator: a fresh bucket per test, 256 KiB chunks so 3 MiB goes up resumable.</summary>
public sealed class GcsStoreContractTests : ObjectStoreContract
{
    private string _bucket = "";

    protected override async Task<IObjectStore> OpenFreshStoreAsync()
    {
        GcsEmulator.Require();
        _bucket = GcsEmulator.NewBucketName();
        return await new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options(create: true), GcsEmulator.Endpoint, 256 * 1024, None);
    }

    protected override Task DeleteFreshStoreAsync() => _bucket.Length > 0 ? GcsEmulator.DeleteBucketAsync(_bucket) : Task.CompletedTask;
}
