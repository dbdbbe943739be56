using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>A write whose source fails must leave nothing at the key, however far it got.</summary>
public sealed class UploadFailureTests : BucketTest
{
    [TestCase(100_000, 50_000)]
    [TestCase(4 * SmallChunk, SmallChunk + 1000)]
    [TestCase(4 * SmallChunk, 3 * SmallChunk + 1)]
    public async Task ASourceThatThrowsMidwayLeavesNoObject(int size, int failAfter)
    {
        var source = new SourceStream(Bytes.Random(size, 1), failAfter);

        var e = Assert.ThrowsAsync<IOException>(() => Store.PutAsync("blobs/sha256/broken", source, size, PutOptions.Blob, None));

        Assert.That(e!.Message, Does.Contain("connection reset by the test"));
        Assert.That(await Store.HeadAsync("blobs/sha256/broken", None), Is.Null);
    }

    [TestCase(100_000, EndFailure.OnLastBytes)]
    [TestCase(100_000, EndFailure.OnEndOfStream)]
    [TestCase(3 * SmallChunk + 5, EndFailure.OnLastBytes)]
    [TestCase(3 * SmallChunk + 5, EndFailure.OnEndOfStream)]
    [TestCase(2 * SmallChunk, EndFailure.OnEndOfStream)]
    public async Task ASourceThatThrowsOnItsFinalReadLeavesNoObject(int size, EndFailure failure)
    {
        var source = new SourceStream(Bytes.Random(size, 2), atEnd: failure);

        var e = Assert.ThrowsAsync<IOException>(() => Store.PutAsync("blobs/sha256/bad", source, size, PutOptions.Blob, None));

        Assert.That(e!.Message, Does.Contain("digest mismatch"));
        Assert.That(await Store.HeadAsync("blobs/sha256/bad", None), Is.Null);
    }

    [Test]
    public async Task ADigestMismatchFromCoresVerifyingStreamPropagatesUnchangedAndLeavesNoObject()
    {
        var bytes = Bytes.Random(2 * SmallChunk + 99, 3);
        var wrong = Digest.Compute(Bytes.Random(10, 4));
        var source = new VerifyingReadStream(new SourceStream(bytes), wrong, bytes.Length, "layer");

        Assert.ThrowsAsync<DigestMismatchException>(() => Store.PutAsync("blobs/sha256/wrong", source, bytes.Length, PutOptions.Blob, None));

        Assert.That(await Store.HeadAsync("blobs/sha256/wrong", None), Is.Null);
    }

    [Test]
    public async Task AFailedOverwriteKeepsTheOldObject()
    {
        var old = Bytes.Random(1000, 5);
        await PutAsync("manifest.json", old);

        Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("manifest.json", new SourceStream(Bytes.Random(2000, 6), atEnd: EndFailure.OnEndOfStream), 2000, PutOptions.Metadata, None));

        Assert.That(await GetAsync("manifest.json"), Is.EqualTo(old));
    }

    [TestCase(-10)]
    [TestCase(+10)]
    public async Task ASourceOfTheWrongLengthLeavesNoObject(int difference)
    {
        var bytes = Bytes.Random(SmallChunk + 100, 7);

        var e = Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("sized", new SourceStream(bytes), bytes.Length + difference, PutOptions.Blob, None));

        Assert.That(e!.Message, Does.Contain("expected"));
        Assert.That(await Store.HeadAsync("sized", None), Is.Null);
    }

    [Test]
    public async Task TheSourceIsReadToItsEndExactlyOnce()
    {
        var bytes = Bytes.Random(2 * SmallChunk + 3, 8);
        var source = new SourceStream(bytes);

        await Store.PutAsync("once", source, bytes.Length, PutOptions.Blob, None);

        Assert.That(source.EndReached, Is.True);
        Assert.That(source.Position, Is.EqualTo(bytes.Length));
    }

    [Test]
    public async Task ACancelledUploadLeavesNoObject()
    {
        using var cancel = new CancellationTokenSource();
        var bytes = Bytes.Random(4 * SmallChunk, 9);
        var source = new CancellingStream(new SourceStream(bytes), cancel, cancelAfter: 2 * SmallChunk);

        Assert.That(async () => await Store.PutAsync("cancelled", source, bytes.Length, PutOptions.Blob, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await Store.HeadAsync("cancelled", None), Is.Null);
    }

    /// <remarks>
    /// One drop is absorbed by the client library's own retry of the chunk; five in a row outlast it
    /// (three tries per request), so the store resumes the session itself.
    /// </remarks>
    [TestCase(1)]
    [TestCase(5)]
    public async Task AnUploadResumesAfterTheConnectionDropsMidChunk(int drops)
    {
        var bytes = Bytes.Random(6 * SmallChunk + 1234, 10);
        await using var proxy = new DroppingProxy(GcsEmulator.BaseUri, dropAfterUploadBytes: 3 * SmallChunk + 100_000, drops);
        await using var store = await new GcsStoreProvider(Logs).OpenAsync(Bucket, GcsEmulator.Options(), new GcsEndpoint(proxy.BaseUri, false), SmallChunk, None);

        await store.PutAsync("blobs/sha256/resumed", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(proxy.Dropped, Is.EqualTo(drops), "the proxy did not drop connections: the test proves nothing");
        Assert.That(Logs.Messages.Any(m => m.Contains("resuming the upload")), Is.EqualTo(drops > 3));
        Assert.That(Sha.Hex((await GcsEmulator.ReadAsync(Bucket, "blobs/sha256/resumed"))!), Is.EqualTo(Sha.Hex(bytes)));
    }
}
