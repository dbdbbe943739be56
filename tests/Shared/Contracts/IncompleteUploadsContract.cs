using S3lo.Core.Storage;

namespace S3lo.Tests.Shared.Contracts;

/// <summary>
/// What every <see cref="IIncompleteUploads"/> store must do for <c>clean</c>: list what an interrupted upload
/// left behind, and drop it without touching any object. Each provider's test project derives a fixture over a
/// fresh bucket on its real server and says how a killed writer leaves an upload there.
/// </summary>
public abstract class IncompleteUploadsContract
{
    protected static readonly CancellationToken None = CancellationToken.None;

    protected IObjectStore Store { get; private set; } = null!;

    private IIncompleteUploads Uploads => (IIncompleteUploads)Store;

    /// <summary>A store over a fresh, empty bucket (container, directory).</summary>
    protected abstract Task<IObjectStore> OpenFreshStoreAsync();

    /// <summary>Removes the bucket <see cref="OpenFreshStoreAsync"/> made, with everything in it.</summary>
    protected abstract Task DeleteFreshStoreAsync();

    /// <summary>Leaves, now, what a writer killed while uploading <paramref name="key"/> leaves on this store (parts, blocks, a temp file).</summary>
    protected abstract Task LeaveIncompleteUploadAsync(string key);

    [SetUp]
    public async Task OpenStore() => Store = await OpenFreshStoreAsync();

    [TearDown]
    public async Task CloseStore()
    {
        if (Store is not null) await Store.DisposeAsync();
        await DeleteFreshStoreAsync();
    }

    [Test]
    public async Task AFreshStoreHasNoIncompleteUploads() => Assert.That(await ListAsync(), Is.Empty);

    [Test]
    public async Task ALeftoverUploadIsListedWithItsStartTimeUntilAborted()
    {
        await PutAsync("blobs/sha256/kept", "kept"u8.ToArray());
        var before = DateTimeOffset.UtcNow.AddMinutes(-2);
        await LeaveIncompleteUploadAsync("blobs/sha256/partial");

        var listed = await ListAsync();

        Assert.That(listed, Has.Count.EqualTo(1));
        Assert.That(listed[0].Initiated, Is.InRange(before, DateTimeOffset.UtcNow.AddMinutes(2)));
        Assert.That(listed[0].Size, Is.Null.Or.GreaterThan(0));

        await Uploads.AbortAsync(listed[0], None);

        Assert.That(await ListAsync(), Is.Empty);
        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("", None)) keys.Add(info.Key);
        Assert.That(keys, Is.EqualTo(new[] { "blobs/sha256/kept" }), "aborting creates and removes no object");
        await using var read = await Store.OpenReadAsync("blobs/sha256/kept", None);
        Assert.That(await Bytes.ReadAllAsync(read), Is.EqualTo("kept"u8.ToArray()));
    }

    [Test]
    public async Task AbortingAnUploadThatIsGoneAlreadyIsNoError()
    {
        await LeaveIncompleteUploadAsync("blobs/sha256/partial");
        var upload = (await ListAsync()).Single();
        await Uploads.AbortAsync(upload, None);

        Assert.DoesNotThrowAsync(() => Uploads.AbortAsync(upload, None));
        Assert.That(await ListAsync(), Is.Empty);
    }

    [Test]
    public async Task CompletedPutsLeaveNoIncompleteUpload()
    {
        await PutAsync("blobs/sha256/empty", []);
        await PutAsync("blobs/sha256/small", Bytes.Random(1000, seed: 1));
        await PutAsync("blobs/sha256/large", Bytes.Random(6 << 20, seed: 2));

        Assert.That(await ListAsync(), Is.Empty);
    }

    protected Task<ObjectInfo> PutAsync(string key, byte[] bytes) =>
        Store.PutAsync(key, new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

    protected async Task<List<IncompleteUpload>> ListAsync()
    {
        var list = new List<IncompleteUpload>();
        await foreach (var upload in Uploads.ListIncompleteUploadsAsync(None)) list.Add(upload);
        return list;
    }
}
