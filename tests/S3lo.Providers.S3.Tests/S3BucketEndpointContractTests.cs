using S3lo.Core.Bucket;
using S3lo.Core.Transfer;
using S3lo.Providers.S3.Tests.Support;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.S3.Tests;

/// <summary>The image endpoint contract on a bucket on the Ceph RGW: a fresh S3 bucket per test.</summary>
public sealed class S3BucketEndpointContractTests : ImageEndpointContract
{
    private string _name = "";
    private ImageBucket _bucket = null!;

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

    protected override IImageDestination OpenDestination(string tag) => new BucketImageDestination(_bucket, "contract/app", tag, TimeProvider.System);

    protected override IImageSource OpenSource(string tag) => new BucketImageSource(_bucket, "contract/app", tag, null);

    /// <summary>Nothing under the tag's folder (manifest, oci-layout, history) is written: the manifest is the commit.</summary>
    protected override async Task AssertNothingCommittedAsync(string tag)
    {
        await base.AssertNothingCommittedAsync(tag);
        var written = new List<string>();
        await foreach (var info in _bucket.Store.ListAsync(BucketLayout.TagPrefix("contract/app", tag), None)) written.Add(info.Key);
        Assert.That(written, Is.Empty, "nothing under the tag may be written");
    }
}
