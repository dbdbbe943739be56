using S3lo.Core.Bucket;
using S3lo.Core.Transfer;

namespace S3lo.Tests.Shared.Contracts;

/// <summary>The image endpoint contract on a bucket: each derived fixture opens a fresh bucket per test on its store.</summary>
public abstract class BucketEndpointContract : ImageEndpointContract
{
    private const string Repository = "contract/app";

    protected abstract ImageBucket Bucket { get; }

    protected override IImageDestination OpenDestination(string tag) => new BucketImageDestination(Bucket, Repository, tag, TimeProvider.System);

    protected override IImageSource OpenSource(string tag) => new BucketImageSource(Bucket, Repository, tag, null);

    /// <summary>Nothing under the tag's folder (manifest, oci-layout, history) is written: the manifest is the commit.</summary>
    protected override async Task AssertNothingCommittedAsync(string tag)
    {
        await base.AssertNothingCommittedAsync(tag);
        var written = new List<string>();
        await foreach (var info in Bucket.Store.ListAsync(BucketLayout.TagPrefix(Repository, tag), None)) written.Add(info.Key);
        Assert.That(written, Is.Empty, "nothing under the tag may be written");
    }
}
