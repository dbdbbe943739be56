using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

public sealed class StorageClassTests : BucketTest
{
    [Test]
    public async Task WithoutAStorageClassBlobsGetTheBucketDefault()
    {
        await PutAsync("blobs/sha256/a", Bytes.Random(10, 1));

        Assert.That(Store.BlobStorageClass, Is.Null);
        Assert.That(Logs.Warnings, Is.Empty);
    }

    [Test]
    public async Task AGcsStorageClassIsUsedForBlobs()
    {
        await using var store = await OpenAsync(GcsEmulator.Options(storageClass: "nearline"));

        await store.PutAsync("blobs/sha256/a", new SourceStream(Bytes.Random(10, 1)), 10, PutOptions.Blob, None);

        Assert.That(store.BlobStorageClass, Is.EqualTo("NEARLINE"));
        Assert.That(Logs.Warnings, Is.Empty);
        Assert.That(await GcsEmulator.ReadAsync(Bucket, "blobs/sha256/a"), Is.EqualTo(Bytes.Random(10, 1)));
    }

    [Test]
    public async Task AnUnknownStorageClassWarnsOnceAndWritesWithoutIt()
    {
        await using var store = await OpenAsync(GcsEmulator.Options(storageClass: "INTELLIGENT_TIERING"));

        await store.PutAsync("blobs/sha256/a", new SourceStream(Bytes.Random(10, 1)), 10, PutOptions.Blob, None);
        await store.PutAsync("blobs/sha256/b", new SourceStream(Bytes.Random(10, 2)), 10, PutOptions.Blob, None);

        Assert.That(store.BlobStorageClass, Is.Null);
        Assert.That(Logs.Warnings, Has.Count.EqualTo(1));
        Assert.That(Logs.Warnings[0], Does.Contain("INTELLIGENT_TIERING"));
        Assert.That(await GcsEmulator.ReadAsync(Bucket, "blobs/sha256/b"), Is.EqualTo(Bytes.Random(10, 2)));
    }
}
