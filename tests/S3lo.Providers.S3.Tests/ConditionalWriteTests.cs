using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

using S3lo.Tests.Shared;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class ConditionalWriteTests : BucketTest
{
    private static PutOptions If(WriteCondition condition) => PutOptions.Metadata with { Condition = condition };

    [Test]
    public async Task IfAbsentOnAnExistingKeyFailsAndKeepsTheContent()
    {
        var first = Bytes.Random(100, seed: 20);
        await PutAsync("manifests/app/v1/manifest.json", first, If(WriteCondition.IfAbsent));

        Assert.ThrowsAsync<PreconditionFailedException>(() =>
            PutAsync("manifests/app/v1/manifest.json", Bytes.Random(100, seed: 21), If(WriteCondition.IfAbsent)));

        Assert.That(await GetAsync("manifests/app/v1/manifest.json"), Is.EqualTo(first));
    }

    [Test]
    public async Task IfAbsentMultipartOnAnExistingKeyFailsAndKeepsTheContent()
    {
        UseSmallParts();
        var first = Bytes.Random(100, seed: 22);
        await PutAsync("k", first);

        // RGW ignores If-None-Match on CompleteMultipartUpload: the store checks with HEAD.
        Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Store.PutAsync("k", new SourceStream(Bytes.Random(6 << 20, seed: 23)), 6 << 20, If(WriteCondition.IfAbsent), None));

        Assert.That(await GetAsync("k"), Is.EqualTo(first));
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public async Task IfMatchWithAStaleETagFails()
    {
        var first = await PutAsync("tag", Bytes.Random(10, seed: 24), PutOptions.Metadata);
        var second = await PutAsync("tag", Bytes.Random(10, seed: 25), If(WriteCondition.IfMatch(first.ETag!)));
        var current = await GetAsync("tag");

        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("tag", Bytes.Random(10, seed: 26), If(WriteCondition.IfMatch(first.ETag!))));
        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("nothing-here", Bytes.Random(10, seed: 27), If(WriteCondition.IfMatch(first.ETag!))));

        Assert.That(second.ETag, Is.Not.EqualTo(first.ETag));
        Assert.That(await GetAsync("tag"), Is.EqualTo(current));
    }

    [Test]
    public async Task IfMatchMultipartWithAStaleETagFails()
    {
        UseSmallParts();
        var first = await PutAsync("tag", Bytes.Random(10, seed: 28));
        await PutAsync("tag", Bytes.Random(10, seed: 29));

        Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Store.PutAsync("tag", new SourceStream(Bytes.Random(6 << 20, seed: 30)), 6 << 20, If(WriteCondition.IfMatch(first.ETag!)), None));

        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }
}
