using S3lo.Core.Bucket;
using S3lo.Providers.Local;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Contracts;

/// <summary>The image endpoint contract on a bucket on local://: a fresh store directory per test.</summary>
public sealed class LocalBucketEndpointContractTests : BucketEndpointContract
{
    private TempDir _dir = null!;
    private ImageBucket _bucket = null!;

    protected override ImageBucket Bucket => _bucket;

    [SetUp]
    public void OpenBucket()
    {
        _dir = new TempDir("bucket-contract");
        _bucket = new ImageBucket(new LocalObjectStore(_dir.Sub("store")));
    }

    [TearDown]
    public async Task CloseBucket()
    {
        await _bucket.DisposeAsync();
        _dir.Dispose();
    }
}
