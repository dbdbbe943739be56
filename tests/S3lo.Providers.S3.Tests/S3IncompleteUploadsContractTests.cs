using Amazon.S3.Model;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.S3.Tests;

/// <summary>The incomplete-uploads contract on the Ceph RGW: a multipart upload started with one part and never completed.</summary>
public sealed class S3IncompleteUploadsContractTests : IncompleteUploadsContract
{
    private string _bucket = "";

    protected override async Task<IObjectStore> OpenFreshStoreAsync()
    {
        RgwServer.Require();
        _bucket = RgwServer.NewBucketName();
        var store = (S3ObjectStore)await new S3StoreProvider().OpenAsync(_bucket, RgwServer.Options(create: true), None);
        store.MultipartThreshold = 5 << 20;
        store.PartSize = 5 << 20;
        return store;
    }

    protected override Task DeleteFreshStoreAsync() => _bucket.Length > 0 ? RgwServer.DeleteBucketAsync(_bucket) : Task.CompletedTask;

    protected override async Task LeaveIncompleteUploadAsync(string key)
    {
        var start = await RgwServer.Admin.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key });
        using var part = new MemoryStream(Bytes.Random(1024, seed: 1));
        await RgwServer.Admin.UploadPartAsync(new UploadPartRequest { BucketName = _bucket, Key = key, UploadId = start.UploadId, PartNumber = 1, InputStream = part });
    }
}
