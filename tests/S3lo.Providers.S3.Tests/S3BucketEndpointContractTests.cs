using S3lo.Core.Bucket;
using S3lo.Providers.S3.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.S3.Tests;

/// <summary>The image endpoint contract on a bucket on the Ceph RGW: a fresh S3 bucket per test.</summary>
public sealed class S3BucketEndpointContractTests : BucketEndpointContract
{
    private string _name = "";
    private ImageBucket _bucket = null!;

    protected override ImageBucket Bucket => _bucket;

    [SetUp]
    public async Task CreateBucket()
    {
        RgwServer.Require();
        _name = RgwServer.NewBucketName();
        _bucket = new ImageBucket(await new S3StoreProvider().OpenAsync(_name, RgwServer.Options(create: true), None));
    }

    [TearDown]
    public async Task DeleteBucket()
    {
        if (_bucket is not null) await _bucket.DisposeAsync();
        if (_name.Length > 0) await RgwServer.DeleteBucketAsync(_name);
    }
}
