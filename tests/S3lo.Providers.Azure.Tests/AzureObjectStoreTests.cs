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
        _store.PutAsync(key, new SourceStream(bytes), bytes.Length, PutOptions.Metadata with { Condition = condition ?? WriteCondition.None }, None);

    private async Task<byte[]> GetAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, None);
        return await Bytes.ReadAllAsync(stream);
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
        var bytes = Bytes.Random(MiB + 17, seed: 1);

        var put = await _store.PutAsync("blobs/sha256/abc", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);
        var head = await _store.HeadAsync("blobs/sha256/abc", None);
        var read = await GetAsync("blobs/sha256/abc");

        Assert.That(Sha.Hex(read), Is.EqualTo(Sha.Hex(bytes)));
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
    public async Task ObjectAboveTheThresholdGoesUpAsStagedBlocksAndRoundTrips()
    {
        UseSmallBlocks();
        var bytes = Bytes.Random(12 * MiB + 5, seed: 2);

        var put = await _store.PutAsync("blobs/sha256/big", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);
        var read = await GetAsync("blobs/sha256/big");
        var blocks = await Azurite.Service().GetBlobContainerClient(_container).GetBlockBlobClient("blobs/sha256/big")
            .GetBlockListAsync(BlockListTypes.Committed);

        Assert.That(Sha.Hex(read), Is.EqualTo(Sha.Hex(bytes)));
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
        var bytes = Bytes.Random(size, seed: size);

        await _store.PutAsync("sized", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(Sha.Hex(await GetAsync("sized")), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task ObjectOfUnknownLengthRoundTrips()
    {
        UseSmallBlocks();
        var bytes = Bytes.Random(9 * MiB, seed: 3);

        var put = await _store.PutAsync("unknown", new SourceStream(bytes), -1, PutOptions.Blob, None);

        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        Assert.That(Sha.Hex(await GetAsync("unknown")), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public void StagedUploadWhoseSourceFailsMidwayLeavesNoBlob()
    {
        UseSmallBlocks();
        var bytes = Bytes.Random(12 * MiB, seed: 4);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("blobs/sha256/broken", new SourceStream(bytes, failAfter: 9 * MiB), bytes.Length, PutOptions.Blob, None));

        Assert.That(_store.HeadAsync("blobs/sha256/broken", None).Result, Is.Null);
    }

    [Test]
    public async Task StagedUploadWhoseFinalReadFailsLeavesNoBlob()
    {
        UseSmallBlocks();
        var bytes = Bytes.Random(12 * MiB, seed: 5);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("blobs/sha256/bad-digest", new SourceStream(bytes, atEnd: EndFailure.OnEndOfStream), bytes.Length, PutOptions.Blob, None));

        Assert.That(await _store.HeadAsync("blobs/sha256/bad-digest", None), Is.Null);
        Assert.That(await ListKeysAsync(""), Is.Empty);
    }

    [Test]
    public async Task SingleUploadWhoseFinalReadFailsLeavesNoBlob()
    {
        var bytes = Bytes.Random(100_000, seed: 6);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("blobs/sha256/bad-small", new SourceStream(bytes, atEnd: EndFailure.OnEndOfStream), bytes.Length, PutOptions.Blob, None));

        Assert.That(await _store.HeadAsync("blobs/sha256/bad-small", None), Is.Null);
    }

    [Test]
    public async Task FailedStagedOverwriteKeepsThePreviousObject()
    {
        UseSmallBlocks();
        var old = Bytes.Random(1000, seed: 7);
        await PutAsync("key", old);
        var bytes = Bytes.Random(12 * MiB, seed: 8);

        Assert.ThrowsAsync<IOException>(() =>
            _store.PutAsync("key", new SourceStream(bytes, atEnd: EndFailure.OnEndOfStream), bytes.Length, PutOptions.Blob, None));

        Assert.That(await GetAsync("key"), Is.EqualTo(old));
    }

    [Test]
    public async Task StreamLongerThanAnnouncedIsRejected()
    {
        var bytes = Bytes.Random(2000, seed: 9);

        Assert.ThrowsAsync<IOException>(() => _store.PutAsync("long", new SourceStream(bytes), 1000, PutOptions.Blob, None));

        Assert.That(await _store.HeadAsync("long", None), Is.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task IfAbsentOnAnExistingKeyThrowsAndKeepsTheContent(bool staged)
    {
        UseSmallBlocks();
        var original = Bytes.Random(1000, seed: 10);
        await PutAsync("manifests/app/v1/manifest.json", original);
        var other = Bytes.Random(staged ? 6 * MiB : 1000, seed: 11);

        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("manifests/app/v1/manifest.json", other, WriteCondition.IfAbsent));

        Assert.That(await GetAsync("manifests/app/v1/manifest.json"), Is.EqualTo(original));
    }

    [Test]
    public void IfMatchOnAMissingKeyThrows()
    {
        Assert.ThrowsAsync<PreconditionFailedException>(() => PutAsync("missing", [1, 2, 3], WriteCondition.IfMatch("\"0x8D000000000000\"")));
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
        var bytes = Bytes.Random(10_000, seed: 18);
        await PutAsync("ranged", bytes);

        await using var range = await _store.OpenReadRangeAsync("ranged", 1234, 4321, None);
        var read = await Bytes.ReadAllAsync(range);

        Assert.That(range.Length, Is.EqualTo(4321));
        Assert.That(read, Is.EqualTo(bytes.AsSpan(1234, 4321).ToArray()));
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
    public async Task ARejectedAccessTierWarnsOnceAndWritesGoOn()
    {
        // Azurite takes Hot, Cool, Cold and Archive; like a premium account refusing tiers, it refuses P10 on a block blob.
        _store.BlobTier = AccessTier.P10;
        UseSmallBlocks();
        var small = Bytes.Random(1000, seed: 21);
        var big = Bytes.Random(6 * MiB, seed: 22);

        await _store.PutAsync("one", new SourceStream(small), small.Length, PutOptions.Blob, None);
        await _store.PutAsync("two", new SourceStream(big), big.Length, PutOptions.Blob, None);
        await _store.PutAsync("three", new SourceStream(small), small.Length, PutOptions.Blob, None);

        Assert.That(await GetAsync("one"), Is.EqualTo(small));
        Assert.That(Sha.Hex(await GetAsync("two")), Is.EqualTo(Sha.Hex(big)));
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
}
