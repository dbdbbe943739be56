using S3lo.Core.Bucket;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Contracts;

/// <summary>The image endpoint contract on a bucket on local://: a fresh store directory per test.</summary>
public sealed class LocalBucketEndpointContractTests : ImageEndpointContract
{
    private TempDir _dir = null!;
    private ImageBucket _bucket = null!;

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
