using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class UploadTests : BucketTest
{
    private const int MiB = 1 << 20;

    [Test]
    public async Task MultipartUploadRoundTripsAndLeavesNoOpenUpload()
    {
        UseSmallParts();
        var bytes = Bytes.Random(12 * MiB, seed: 10);
        var source = new SourceStream(bytes);

        var put = await Store.PutAsync("blobs/sha256/big", source, bytes.Length, PutOptions.Blob, None);

        Assert.That(Sha.Hex(await GetAsync("blobs/sha256/big")), Is.EqualTo(Sha.Hex(bytes)));
        // Three parts of 5, 5 and 2 MiB: a multipart ETag, read back with HEAD (RGW's Complete answers none).
        Assert.That(put.ETag, Does.EndWith("-3\""));
        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        Assert.That((await Store.HeadAsync("blobs/sha256/big", None))!.ETag, Is.EqualTo(put.ETag));
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public async Task UnknownLengthGoesMultipartAndRoundTrips()
    {
        UseSmallParts();
        var bytes = Bytes.Random(7 * MiB + 3, seed: 11);

        var put = await Store.PutAsync("blobs/sha256/unknown", new SourceStream(bytes), -1, PutOptions.Blob, None);

        Assert.That(Sha.Hex(await GetAsync("blobs/sha256/unknown")), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That(put.Size, Is.EqualTo(bytes.Length));
    }

    [Test]
    public async Task AnEmptySourceOfUnknownLengthBecomesAnEmptyObject()
    {
        var put = await Store.PutAsync("empty-unknown", new SourceStream([]), -1, PutOptions.Blob, None);

        Assert.That(await GetAsync("empty-unknown"), Is.Empty);
        Assert.That(put.Size, Is.Zero);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public async Task MultipartOfAnExactMultipleOfThePartSizeRoundTrips()
    {
        UseSmallParts();
        var bytes = Bytes.Random(10 * MiB, seed: 12);

        await Store.PutAsync("exact", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(Sha.Hex(await GetAsync("exact")), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task SourceFailingMidwayLeavesNoObjectAndNoOpenUpload()
    {
        UseSmallParts();
        var bytes = Bytes.Random(12 * MiB, seed: 13);

        var error = Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("blobs/sha256/broken", new SourceStream(bytes, failAfter: 7 * MiB), bytes.Length, PutOptions.Blob, None));

        Assert.That(error!.Message, Does.Contain("connection reset by the test"));
        Assert.That(await Store.HeadAsync("blobs/sha256/broken", None), Is.Null);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [TestCase(EndFailure.OnLastBytes, 12 * MiB)]
    [TestCase(EndFailure.OnEndOfStream, 12 * MiB)]
    [TestCase(EndFailure.OnEndOfStream, 10 * MiB)]
    [TestCase(EndFailure.OnLastBytes, 1 * MiB)]
    [TestCase(EndFailure.OnEndOfStream, 1 * MiB)]
    public async Task SourceFailingAtItsEndLeavesNoObject(EndFailure failure, int size)
    {
        UseSmallParts();
        var bytes = Bytes.Random(size, seed: 14);

        var error = Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("blobs/sha256/bad", new SourceStream(bytes, atEnd: failure), bytes.Length, PutOptions.Blob, None));

        Assert.That(error!.Message, Does.Contain("digest mismatch"));
        Assert.That(await Store.HeadAsync("blobs/sha256/bad", None), Is.Null);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [TestCase(1 * MiB)]
    [TestCase(12 * MiB)]
    public async Task VerifyingStreamWithAWrongDigestNeverCompletesAnUpload(int size)
    {
        UseSmallParts();
        var bytes = Bytes.Random(size, seed: 15);
        var wrong = Digest.Compute("something else"u8);
        var verifying = new VerifyingReadStream(new SourceStream(bytes), wrong, bytes.Length, "test blob");

        var error = Assert.ThrowsAsync<DigestMismatchException>(() =>
            Store.PutAsync("blobs/sha256/wrong", verifying, bytes.Length, PutOptions.Blob, None));

        Assert.That(error!.Expected, Is.EqualTo(wrong.ToString()));
        Assert.That(await Store.HeadAsync("blobs/sha256/wrong", None), Is.Null);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [TestCase(1 * MiB)]
    [TestCase(12 * MiB)]
    public async Task SourceShorterOrLongerThanDeclaredIsRefused(int size)
    {
        UseSmallParts();
        var bytes = Bytes.Random(size, seed: 16);

        Assert.ThrowsAsync<IOException>(() => Store.PutAsync("short", new SourceStream(bytes), size + 1, PutOptions.Blob, None));
        Assert.ThrowsAsync<IOException>(() => Store.PutAsync("long", new SourceStream(bytes), size - 1, PutOptions.Blob, None));

        Assert.That(await Store.HeadAsync("short", None), Is.Null);
        Assert.That(await Store.HeadAsync("long", None), Is.Null);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public async Task CancellingAMultipartUploadAbortsIt()
    {
        UseSmallParts();
        var bytes = Bytes.Random(12 * MiB, seed: 17);
        using var cts = new CancellationTokenSource();
        var source = new CancellingStream(new SourceStream(bytes), cts, cancelAfter: 6 * MiB);

        Assert.CatchAsync<OperationCanceledException>(() => Store.PutAsync("cancelled", source, bytes.Length, PutOptions.Blob, cts.Token));

        Assert.That(await Store.HeadAsync("cancelled", None), Is.Null);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public void SinglePutReadsTheSourceOnce()
    {
        var bytes = Bytes.Random(3 * MiB, seed: 18);
        var source = new SourceStream(bytes);

        Assert.DoesNotThrowAsync(() => Store.PutAsync("once", source, bytes.Length, PutOptions.Metadata, None));

        // The SDK reads in chunks; a second pass (or a whole-object buffer) would read it all again.
        Assert.That(source.Position, Is.EqualTo(bytes.Length));
    }
}
