using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class CopyTests : BucketTest
{
    [Test]
    public async Task ServerSideCopyCopiesInsideTheBucket()
    {
        var bytes = Bytes.Random(2 << 20, seed: 50);
        await PutAsync("blobs/sha256/src", bytes);

        var copied = await Store.TryCopyFromAsync(Store, "blobs/sha256/src", "blobs/sha256/dst", PutOptions.Blob, None);

        Assert.That(copied, Is.True);
        Assert.That(Sha.Hex(await GetAsync("blobs/sha256/dst")), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That(Sha.Hex(await GetAsync("blobs/sha256/src")), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task MultipartCopyAboveTheThresholdCopiesAndLeavesNoOpenUpload()
    {
        UseSmallParts();
        Store.MultipartCopyThreshold = 5 << 20;
        Store.CopyPartSize = 5 << 20;
        var bytes = Bytes.Random(12 << 20, seed: 51);
        await Store.PutAsync("big", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(await Store.TryCopyFromAsync(Store, "big", "big-copy", PutOptions.Blob, None), Is.True);

        Assert.That(Sha.Hex(await GetAsync("big-copy")), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That((await Store.HeadAsync("big-copy", None))!.ETag, Does.EndWith("-3\""));
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public async Task CopyHonoursIfAbsent()
    {
        await PutAsync("a", Bytes.Random(10, seed: 52));
        var existing = Bytes.Random(10, seed: 53);
        await PutAsync("b", existing);

        // RGW ignores If-None-Match on copies: the store checks with HEAD first.
        Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Store.TryCopyFromAsync(Store, "a", "b", PutOptions.Metadata with { Condition = WriteCondition.IfAbsent }, None));

        Assert.That(await GetAsync("b"), Is.EqualTo(existing));
    }

    [Test]
    public void CopyOfAMissingSourceSaysItIsMissing()
    {
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.TryCopyFromAsync(Store, "nope", "dst", PutOptions.Blob, None));
    }
}
