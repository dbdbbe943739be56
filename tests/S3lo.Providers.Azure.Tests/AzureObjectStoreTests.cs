using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure.Tests;

[TestFixture]
public class AzureObjectStoreTests
{
    private const int MiB = 1 << 20;
    private static readonly CancellationToken None = CancellationToken.None;
    private string _container = null!;
    private AzureObjectStore _store = null!;
    private readonly List<string> _warnings = [];

    [SetUp]
    public async Task SetUp()
    {
        _container = Azurite.NewContainerName();
        _store = await OpenAsync(new StoreOptions { CreateIfMissing = true });
        _warnings.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        await Azurite.Service().GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }

    private async Task<AzureObjectStore> OpenAsync(StoreOptions options)
    {
        var store = (AzureObjectStore)await new AzureStoreProvider(Azurite.Settings).OpenAsync(_container, options, None);
        store.Warn = _warnings.Add;
        return store;
    }

    private Task<ObjectInfo> PutAsync(string key, byte[] bytes, WriteCondition? condition = null) =>
        _store.PutAsync(key, new ForwardOnlyStream(bytes), bytes.Length, PutOptions.Metadata with { Condition = condition ?? WriteCondition.None }, None);

    private async Task<byte[]> GetAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, None);
        return await TestData.ReadAllAsync(stream);
    }

    private async Task<List<string>> ListKeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var info in _store.ListAsync(prefix, None)) keys.Add(info.Key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private void UseSmallBlocks()
    {
        _store.SingleUploadThreshold = 5 * MiB;
        _store.BlockSize = 4 * MiB;
    }

    [Test]
    public async Task PutThenReadReturnsTheSameBytes()
    {
        var bytes = TestData.RandomBytes(MiB + 17, seed: 1);

        var put = await _store.PutAsync("blobs/sha256/abc", new ForwardOnlyStream(bytes), bytes.Length, PutOptions.Blob, None);
        var head = await _store.HeadAsync("blobs/sha256/abc", None);
        var read = await GetAsync("blobs/sha256/abc");

        Assert.That(TestData.Sha(read), Is.EqualTo(TestData.Sha(bytes)));
        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        await using (var stream = await _store.OpenReadAsync("blobs/sha256/abc", None)) Assert.That(stream.Length, Is.EqualTo(bytes.Length));
        Assert.That(head, Is.Not.Null);
        Assert.That(head!.Size, Is.EqualTo(bytes.Length));
        Assert.That(head.ETag, Is.EqualTo(put.ETag).And.Not.Empty);
        Assert.That(_store.DisplayName, Is.EqualTo("az://" + _container));
    }

    [Test]
    public async Task ContentTypeIsStored()
    {
        await _store.PutAsync("manifests/app/v1/manifest.json", new MemoryStream("{}"u8.ToArray()), 2, PutOptions.Metadata, None);

        var properties = await Azurite.Service().GetBlobContainerClient(_container).GetBlobClient("manifests/app/v1/manifest.json").GetPropertiesAsync();

        Assert.That(properties.Value.ContentType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task EmptyObjectRoundTrips()
    {
        await PutAsync("empty", []);

        Assert.That(await GetAsync("empty"), Is.Empty);
        Assert.That((await _store.HeadAsync("empty", None))!.Size, Is.Zero);
    }

    [Test]
    public async Task ObjectAboveTheThresholdGoesUpAsStagedBlocksAndRoundTrips()
    {
        UseSmallBlocks();
        var bytes = TestData.RandomBytes(12 * MiB + 5, seed: 2);

        var put = await _store.PutAsync("blobs/sha256/big", new ForwardOnlyStream(bytes), bytes.Length, PutOptions.Blob, None);
        var read = await GetAsync("blobs/sha256/big");
        var blocks = await Azurite.Service().GetBlobContainerClient(_container).GetBlockBlobClient("blobs/sha256/big")
            .GetBlockListAsync(BlockListTypes.Committed);

        Assert.That(TestData.Sha(read), Is.EqualTo(TestData.Sha(bytes)));
        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        Assert.That(blocks.Value.CommittedBlocks.Select(b => b.SizeLong), Is.EqualTo(new long[] { 4 * MiB, 4 * MiB, 4 * MiB, 5 }));
    }

    [TestCase(1)]
    [TestCase(1 << 20)]
    [TestCase(5 << 20)]
    [TestCase((5 << 20) + 1)]
    [TestCase(8 << 20)]
    public async Task ObjectsAroundTheThresholdAndBlockSizeRoundTrip(int size)
    {
        UseSmallBlocks();
        var bytes = TestData.RandomBytes(size, seed: size);

        await _store.PutAsync("sized", new ForwardOnlyStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(TestData.Sha(await GetAsync("sized")), Is.EqualTo(TestData.Sha(bytes)));
    }

    [Test]
    public async Task ObjectOfUnknownLengthRoundTrips()
    {
        UseSmallBlocks();
        var bytes = TestData.RandomBytes(9 * MiB, seed: 3);

        var put = await _store.PutAsync("unknown", new ForwardOnlyStream(bytes), -1, PutOptions.Blob, None);

        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        Assert.That(TestData.Sha(await GetAsync("unknown")), Is.EqualTo(TestData.Sha(bytes)));
    }

    [Test]
    public void StagedUploadWhoseSourceFailsMidwayLeavesNoBlob()
    {
        UseSmallBlocks();
        var bytes = TestData.RandomBytes(12 * MiB, seed: 4);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("blobs/sha256/broken", new FailingStream(bytes, failAt: 9 * MiB), bytes.Length, PutOptions.Blob, None));

        Assert.That(_store.HeadAsync("blobs/sha256/broken", None).Result, Is.Null);
    }

    [Test]
    public async Task StagedUploadWhoseFinalReadFailsLeavesNoBlob()
    {
        UseSmallBlocks();
        var bytes = TestData.RandomBytes(12 * MiB, seed: 5);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("blobs/sha256/bad-digest", new FailingStream(bytes, failAt: bytes.Length), bytes.Length, PutOptions.Blob, None));

        Assert.That(await _store.HeadAsync("blobs/sha256/bad-digest", None), Is.Null);
        Assert.That(await ListKeysAsync(""), Is.Empty);
    }

    [Test]
    public async Task SingleUploadWhoseFinalReadFailsLeavesNoBlob()
    {
        var bytes = TestData.RandomBytes(100_000, seed: 6);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("blobs/sha256/bad-small", new FailingStream(bytes, failAt: bytes.Length), bytes.Length, PutOptions.Blob, None));

        Assert.That(await _store.HeadAsync("blobs/sha256/bad-small", None), Is.Null);
    }

    [Test]
    public async Task FailedStagedOverwriteKeepsThePreviousObject()
    {
        UseSmallBlocks();
        var old = TestData.RandomBytes(1000, seed: 7);
        await PutAsync("key", old);
        var bytes = TestData.RandomBytes(12 * MiB, seed: 8);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("key", new FailingStream(bytes, failAt: bytes.Length), bytes.Length, PutOptions.Blob, None));

        Assert.That(await GetAsync("key"), Is.EqualTo(old));
    }

    [Test]
    public async Task StreamLongerThanAnnouncedIsRejected()
    {
        var bytes = TestData.RandomBytes(2000, seed: 9);

        Assert.ThrowsAsync<IOException>(() => _store.PutAsync("long", new ForwardOnlyStream(bytes), 1000, PutOptions.Blob, None));

        Assert.That(await _store.HeadAsync("long", None), Is.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task IfAbsentOnAnExistingKeyThrowsAndKeepsTheContent(bool staged)
    {
        UseSmallBlocks();
        var original = TestData.RandomBytes(1000, seed: 10);
        await PutAsync("manifests/app/v1/manifest.json", original);
        var other = TestData.RandomBytes(staged ? 6 * MiB : 1000, seed: 11);

        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("manifests/app/v1/manifest.json", other, WriteCondition.IfAbsent));

        Assert.That(await GetAsync("manifests/app/v1/manifest.json"), Is.EqualTo(original));
    }

    [Test]
    public async Task IfAbsentOnAMissingKeyWrites()
    {
        var bytes = TestData.RandomBytes(100, seed: 12);

        await PutAsync("new", bytes, WriteCondition.IfAbsent);

        Assert.That(await GetAsync("new"), Is.EqualTo(bytes));
    }

    [Test]
    public async Task IfMatchWithAStaleETagThrows()
    {
        var first = await PutAsync("tag", TestData.RandomBytes(100, seed: 13));
        var second = TestData.RandomBytes(100, seed: 14);
        await PutAsync("tag", second);

        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("tag", TestData.RandomBytes(100, seed: 15), WriteCondition.IfMatch(first.ETag!)));

        Assert.That(await GetAsync("tag"), Is.EqualTo(second));
    }

    [Test]
    public async Task IfMatchWithTheCurrentETagWrites()
    {
        var first = await PutAsync("tag", TestData.RandomBytes(100, seed: 16));
        var next = TestData.RandomBytes(100, seed: 17);

        var put = await PutAsync("tag", next, WriteCondition.IfMatch(first.ETag!));

        Assert.That(await GetAsync("tag"), Is.EqualTo(next));
        Assert.That(put.ETag, Is.Not.EqualTo(first.ETag));
    }

    [Test]
    public void IfMatchOnAMissingKeyThrows()
    {
        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("missing", [1, 2, 3], WriteCondition.IfMatch("\"0x8D000000000000\"")));
    }

    [Test]
    public async Task ListReturnsOnlyKeysUnderThePrefix()
    {
        foreach (var key in new[] { "manifests/app/v1/manifest.json", "manifests/app/v2/manifest.json", "manifests/apple/v1/manifest.json", "blobs/sha256/aa" })
            await PutAsync(key, [1, 2, 3]);

        Assert.That(await ListKeysAsync("manifests/app/"), Is.EqualTo(new[] { "manifests/app/v1/manifest.json", "manifests/app/v2/manifest.json" }));
        Assert.That(await ListKeysAsync(""), Has.Count.EqualTo(4));
        Assert.That(await ListKeysAsync("nothing/"), Is.Empty);
    }

    [Test]
    public async Task ListReportsSizes()
    {
        await PutAsync("a/one", new byte[10]);

        var listed = new List<ObjectInfo>();
        await foreach (var info in _store.ListAsync("a/", None)) listed.Add(info);

        Assert.That(listed.Single().Size, Is.EqualTo(10));
        Assert.That(listed.Single().LastModified, Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(-1)));
    }

    [Test]
    public async Task RangeReadReturnsTheRange()
    {
        var bytes = TestData.RandomBytes(10_000, seed: 18);
        await PutAsync("ranged", bytes);

        await using var range = await _store.OpenReadRangeAsync("ranged", 1234, 4321, None);
        var read = await TestData.ReadAllAsync(range);

        Assert.That(range.Length, Is.EqualTo(4321));
        Assert.That(read, Is.EqualTo(bytes.AsSpan(1234, 4321).ToArray()));
    }

    [Test]
    public void ReadingAMissingKeyThrowsObjectNotFound()
    {
        Assert.ThrowsAsync<ObjectNotFoundException>(() => _store.OpenReadAsync("missing", None));
        Assert.ThrowsAsync<ObjectNotFoundException>(() => _store.OpenReadRangeAsync("missing", 0, 10, None));
        Assert.That(_store.HeadAsync("missing", None).Result, Is.Null);
    }

    [Test]
    public async Task AContainerDeletedUnderTheStoreIsReportedAsMissing()
    {
        await Azurite.Service().GetBlobContainerClient(_container).DeleteAsync();

        var put = Assert.ThrowsAsync<S3lo.Core.Errors.NotFoundException>(() => PutAsync("k", [1]))!;
        var list = Assert.ThrowsAsync<S3lo.Core.Errors.NotFoundException>(() => ListKeysAsync(""))!;

        Assert.That(put.Hint, Does.Contain($"s3lo init az://{_container}/"));
        Assert.That(list.Message, Does.Contain(_container));
    }

    [Test]
    public async Task DeleteRemovesAndIsIdempotent()
    {
        await PutAsync("gone", [1]);

        await _store.DeleteAsync("gone", None);
        await _store.DeleteAsync("gone", None);

        Assert.That(await _store.HeadAsync("gone", None), Is.Null);
    }

    [Test]
    public async Task ACancelledStagedUploadLeavesNoBlob()
    {
        UseSmallBlocks();
        var bytes = TestData.RandomBytes(12 * MiB, seed: 24);
        using var cancel = new CancellationTokenSource();
        var source = new CancellingStream(bytes, 6 * MiB, cancel);

        Assert.CatchAsync<OperationCanceledException>(() => _store.PutAsync("cancelled", source, bytes.Length, PutOptions.Blob, cancel.Token));

        Assert.That(await _store.HeadAsync("cancelled", None), Is.Null);
    }

    private sealed class CancellingStream(byte[] data, int cancelAt, CancellationTokenSource cancel) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_inner.Position >= cancelAt) cancel.Cancel();
            cancel.Token.ThrowIfCancellationRequested();
            return _inner.Read(buffer, offset, count);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Test]
    public async Task PresignedUrlServesTheBytesWithoutCredentials()
    {
        var bytes = TestData.RandomBytes(50_000, seed: 20);
        await PutAsync("blobs/sha256/presigned", bytes);

        var url = _store.PresignGet("blobs/sha256/presigned", TimeSpan.FromMinutes(5));
        using var http = new HttpClient();
        var fetched = await http.GetByteArrayAsync(url);

        Assert.That(TestData.Sha(fetched), Is.EqualTo(TestData.Sha(bytes)));
        Assert.That(url.Query, Does.Contain("sig="));
    }

    [Test]
    public async Task ARejectedAccessTierWarnsOnceAndWritesGoOn()
    {
        // Azurite takes Hot, Cool, Cold and Archive; like a premium account refusing tiers, it refuses P10 on a block blob.
        _store.BlobTier = AccessTier.P10;
        UseSmallBlocks();
        var small = TestData.RandomBytes(1000, seed: 21);
        var big = TestData.RandomBytes(6 * MiB, seed: 22);

        await _store.PutAsync("one", new ForwardOnlyStream(small), small.Length, PutOptions.Blob, None);
        await _store.PutAsync("two", new ForwardOnlyStream(big), big.Length, PutOptions.Blob, None);
        await _store.PutAsync("three", new ForwardOnlyStream(small), small.Length, PutOptions.Blob, None);

        Assert.That(await GetAsync("one"), Is.EqualTo(small));
        Assert.That(TestData.Sha(await GetAsync("two")), Is.EqualTo(TestData.Sha(big)));
        Assert.That(_warnings, Has.Count.EqualTo(1));
        Assert.That(_warnings[0], Does.Contain("access tier").And.Contain("P10"));
    }

    [Test]
    public async Task ColdCanBeChosenForBlobs()
    {
        await using var cold = await OpenAsync(new StoreOptions { StorageClass = "cold" });

        await cold.PutAsync("blob", new MemoryStream([1]), 1, PutOptions.Blob, None);

        var properties = await Azurite.Service().GetBlobContainerClient(_container).GetBlobClient("blob").GetPropertiesAsync();
        Assert.That(properties.Value.AccessTier, Is.EqualTo(AccessTier.Cold.ToString()));
    }

    [Test]
    public async Task BlobsAreWrittenCoolAndMetadataHot()
    {
        await _store.PutAsync("blob", new MemoryStream([1]), 1, PutOptions.Blob, None);
        await _store.PutAsync("meta", new MemoryStream([1]), 1, PutOptions.Metadata, None);

        var container = Azurite.Service().GetBlobContainerClient(_container);
        var blob = (await container.GetBlobClient("blob").GetPropertiesAsync()).Value;
        var meta = (await container.GetBlobClient("meta").GetPropertiesAsync()).Value;

        Assert.That(_warnings, Is.Empty);
        Assert.That(blob.AccessTier, Is.EqualTo(AccessTier.Cool.ToString()));
        Assert.That(meta.AccessTier, Is.EqualTo(AccessTier.Hot.ToString()));
    }

    [Test]
    public async Task DeleteIfMatchRemovesTheVersionItReadAndRefusesAReplacedOne()
    {
        var first = await PutAsync("tag", [1, 2, 3]);
        await PutAsync("tag", [4, 5, 6]);

        Assert.ThrowsAsync<PreconditionFailedException>(() => _store.DeleteIfMatchAsync("tag", first.ETag!, None));
        Assert.That(await GetAsync("tag"), Is.EqualTo(new byte[] { 4, 5, 6 }));

        var current = await _store.HeadAsync("tag", None);
        await _store.DeleteIfMatchAsync("tag", current!.ETag!, None);
        Assert.That(await _store.HeadAsync("tag", None), Is.Null);
    }
}
