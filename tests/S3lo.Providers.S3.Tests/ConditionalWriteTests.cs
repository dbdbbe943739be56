using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class ConditionalWriteTests : BucketTest
{
    private static PutOptions If(WriteCondition condition) => PutOptions.Metadata with { Condition = condition };

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
