using S3lo.Core.Storage;

namespace S3lo.Providers.Azure.Tests;

/// <summary>On Azurite: a staged upload that failed before its commit leaves uncommitted blocks; clean lists and drops them.</summary>
[TestFixture]
public class IncompleteUploadTests
{
    private const int MiB = 1 << 20;
    private static readonly CancellationToken None = CancellationToken.None;
    private string _container = null!;
    private AzureObjectStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _container = Azurite.NewContainerName();
        _store = (AzureObjectStore)await new AzureStoreProvider(Azurite.Settings).OpenAsync(_container, new StoreOptions { CreateIfMissing = true }, None);
        _store.SingleUploadThreshold = 1 * MiB;
        _store.BlockSize = 1 * MiB;
        _store.MaxBlocksInFlight = 1;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        await Azurite.Service().GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }

    [Test]
    public async Task AStagedUploadThatFailedIsListedUntilAborted()
    {
        var started = DateTimeOffset.UtcNow;
        await PutAsync("blobs/sha256/whole", Bytes.Random(3 * MiB, seed: 1));
        await FailStagedPutAsync("blobs/sha256/broken");

        var listed = (await ListAsync()).Single();

        Assert.That((listed.Key, listed.UploadId), Is.EqualTo(("blobs/sha256/broken", "blobs/sha256/broken")));
        Assert.That(listed.Size, Is.EqualTo(2 * MiB), "the two blocks staged before the source broke");
        Assert.That(listed.Initiated, Is.EqualTo(started).Within(TimeSpan.FromMinutes(2)));

        await _store.AbortAsync(listed, None);

        Assert.That(await ListAsync(), Is.Empty);
        Assert.That(await _store.HeadAsync("blobs/sha256/broken", None), Is.Null, "the abort leaves no blob behind");
        Assert.That(await KeysAsync(), Is.EqualTo(new[] { "blobs/sha256/whole" }));
    }

    [Test]
    public async Task AbortingAfterTheWriterCommittedKeepsTheCommittedBlob()
    {
        await FailStagedPutAsync("blobs/sha256/late");
        var upload = (await ListAsync()).Single();
        var bytes = Bytes.Random(1000, seed: 2);
        await PutAsync("blobs/sha256/late", bytes);

        await _store.AbortAsync(upload, None);

        await using var read = await _store.OpenReadAsync("blobs/sha256/late", None);
        Assert.That(await Bytes.ReadAllAsync(read), Is.EqualTo(bytes));
    }

    private Task<ObjectInfo> PutAsync(string key, byte[] bytes) =>
        _store.PutAsync(key, new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

    /// <summary>A 3 MiB put whose source breaks after 2.5 MiB: two 1 MiB blocks are staged, none committed.</summary>
    private Task FailStagedPutAsync(string key)
    {
        var bytes = Bytes.Random(3 * MiB, seed: 5);
        Assert.ThrowsAsync<IOException>(() => _store.PutAsync(key, new SourceStream(bytes, failAfter: 5 * MiB / 2), bytes.Length, PutOptions.Blob, None));
        return Task.CompletedTask;
    }

    private async Task<List<IncompleteUpload>> ListAsync()
    {
        var list = new List<IncompleteUpload>();
        await foreach (var upload in _store.ListIncompleteUploadsAsync(None)) list.Add(upload);
        return list;
    }

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var info in _store.ListAsync("", None)) keys.Add(info.Key);
        return keys;
    }
}
