using System.Collections.Concurrent;
using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Transfer;

/// <summary>
/// The writer's half of clean's protocol, on real local stores: a commit waits out running cleans (their
/// markers), then copies again any blob of the image that was deleted before the tag landed.
/// </summary>
public sealed class ConcurrentCleanTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string MarkerKey = BucketLayout.RunningCleansPrefix + "run-1.json";
    private TempDir _temp = null!;
    private ImageBucket _source = null!;
    private LocalObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("clean-race");
        _source = new ImageBucket(new LocalObjectStore(_temp.Sub("source")));
        _store = new LocalObjectStore(_temp.Sub("destination"));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _source.DisposeAsync();
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task ABlobDeletedRightAfterThePushFoundItIsCopiedAgainAfterTheCommit()
    {
        var image = await new ImageBuilder(_source).PutImageAsync("linux", "amd64", null, seed: 1);
        await new ImageBuilder(_source).TagAsync("src", "1", image);
        await new ImageBuilder(new ImageBucket(_store)).PutImageAsync("linux", "amd64", null, seed: 1); // the bucket has every blob
        var layer = image.Manifest!.Layers[0];
        // A clean deletes the layer right after the push saw it (so skipped it). A wrapper only for that
        // timing: no real server deletes on cue; the local store underneath does the real work.
        var store = new SweepingStore(_store, afterHeadOf: BlobKey(layer), delete: [BlobKey(layer)]);
        var observer = new RecordingObserver();

        var report = await CopyAsync(new ImageBucket(store), observer);

        Assert.That(report.BlobsSkipped, Is.EqualTo(2), "config and layer were there when looked at");
        Assert.That(store.Swept, Is.True);
        Assert.That(report.BlobsRepaired, Is.EqualTo(1));
        Assert.That(observer.Messages, Does.Contain($"repaired layer 1 of linux/amd64 {layer.Digest}: a concurrent clean deleted it; copied again"));
        await AssertPullsAndVerifiesAsync(report.Digest);
    }

    [Test]
    public async Task ADeletedBlobTheSourceCannotGiveAgainFailsWithOneLineThatSaysToRunAgain()
    {
        var image = await new ImageBuilder(_source).PutImageAsync("linux", "amd64", null, seed: 5);
        await new ImageBuilder(_source).TagAsync("src", "1", image);
        await new ImageBuilder(new ImageBucket(_store)).PutImageAsync("linux", "amd64", null, seed: 5);
        var layer = image.Manifest!.Layers[0];
        // The source no longer has the layer either (as a push that reused the bucket's copy never exported it).
        await _source.Store.DeleteAsync(BlobKey(layer), None);
        var store = new SweepingStore(_store, afterHeadOf: BlobKey(layer), delete: [BlobKey(layer)]);
        var bucket = new ImageBucket(store);

        var error = Assert.ThrowsAsync<BlobsLostException>(() => CopyAsync(bucket, new RecordingObserver()))!;

        Assert.That(error.Message, Does.StartWith($"layer 1 of linux/amd64 {layer.Digest} of {bucket.Name}/app:1 was deleted by a concurrent clean and could not be copied again: "));
        Assert.That(error.Hint, Is.EqualTo("run the same push or copy again: it uploads what is missing"));
        Assert.That(error.Commit.Digest, Is.EqualTo(image.Digest), "the commit it reports is the one that landed");
    }

    [Test]
    public async Task BlobsAndAPlatformManifestDeletedRightBeforeTheCommitAreCopiedAgain()
    {
        var index = await new ImageBuilder(_source).PutMultiArchAsync("src", "1");
        var amd64 = await _source.ReadAllAsync(BucketLayout.BlobKey(Digest.Parse(index.Index!.Manifests[0].Digest)), None);
        var amd64Layer = ManifestBlob.Parse(amd64, "amd64").Manifest!.Layers[0];
        var arm64Manifest = index.Index.Manifests[1];
        // Uploaded by this push, deleted by a clean that did not see the tag yet, just before manifest.json is written.
        var store = new SweepingStore(_store, beforePutOf: BucketLayout.ManifestKey("app", "1"), delete: [BlobKey(amd64Layer), BlobKey(arm64Manifest)]);
        var observer = new RecordingObserver();

        var report = await CopyAsync(new ImageBucket(store), observer);

        Assert.That(store.Swept, Is.True);
        Assert.That(report.BlobsRepaired, Is.EqualTo(2));
        Assert.That(observer.Messages, Is.SupersetOf(new[]
        {
            $"repaired layer 1 of linux/amd64 {amd64Layer.Digest}: a concurrent clean deleted it; copied again",
            $"repaired manifest {arm64Manifest.Digest}: a concurrent clean deleted it; copied again",
        }));
        await AssertPullsAndVerifiesAsync(report.Digest);
    }

    [Test]
    public async Task ACommitWaitsForALiveCleanMarkerAndRepairsWhatThatCleanDeleted()
    {
        var image = await new ImageBuilder(_source).PutImageAsync("linux", "amd64", null, seed: 3);
        await new ImageBuilder(_source).TagAsync("src", "1", image);
        var bucket = new ImageBucket(_store);
        await PutMarkerAsync(expiresAt: DateTimeOffset.UtcNow.AddHours(1));
        var observer = new RecordingObserver();

        var copy = Task.Run(() => CopyAsync(bucket, observer));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await bucket.ReadTagAsync("app", "1", None) is null && !copy.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(4 * RunningCleans.PollInterval);

        Assert.That(copy.IsCompleted, Is.False, copy.IsFaulted ? copy.Exception!.ToString() : "the commit waits while the clean runs");
        Assert.That(observer.Messages, Is.EqualTo(new[] { $"waiting for a clean of {bucket.Name} to finish" }), "said once");
        // The clean deletes a layer it judged unreachable, then ends.
        await _store.DeleteAsync(BlobKey(image.Manifest!.Layers[0]), None);
        await _store.DeleteAsync(MarkerKey, None);

        var report = await copy.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(report.BlobsRepaired, Is.EqualTo(1));
        await AssertPullsAndVerifiesAsync(report.Digest);
    }

    [Test]
    public async Task AnExpiredCleanMarkerIsIgnored()
    {
        var image = await new ImageBuilder(_source).PutImageAsync("linux", "amd64", null, seed: 4);
        await new ImageBuilder(_source).TagAsync("src", "1", image);
        // A clean that died long ago: its marker stays, but counts no more.
        await PutMarkerAsync(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var observer = new RecordingObserver();

        var report = await CopyAsync(new ImageBucket(_store), observer).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(observer.Messages, Is.Empty, "no wait");
        Assert.That(report.BlobsRepaired, Is.Zero);
        await AssertPullsAndVerifiesAsync(report.Digest);
    }

    private async Task<TransferReport> CopyAsync(ImageBucket destination, ITransferObserver observer)
    {
        await using var target = new BucketImageDestination(destination, "app", "1", TimeProvider.System);
        return await new TransferEngine().TransferAsync(new BucketImageSource(_source, "src", "1", null), target,
            new TransferOptions { Observer = observer, Concurrency = 2 }, None);
    }

    private async Task PutMarkerAsync(DateTimeOffset expiresAt)
    {
        var started = expiresAt.AddHours(-2);
        var bytes = Encoding.UTF8.GetBytes($$"""{"run":"run-1","started_at":"{{started:yyyy-MM-ddTHH:mm:ssZ}}","expires_at":"{{expiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}"}""");
        await _store.PutAsync(MarkerKey, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);
    }

    /// <summary>Pulls app:1 (every platform) into a fresh store, the source checked first, every blob verified on the way.</summary>
    private async Task AssertPullsAndVerifiesAsync(Digest expected)
    {
        var committed = new ImageBucket(new LocalObjectStore(_temp.Path + "/destination"));
        var pulled = new ImageBucket(new LocalObjectStore(_temp.Sub("pulled-" + Guid.NewGuid().ToString("N"))));
        await using var target = new BucketImageDestination(pulled, "app", "1", TimeProvider.System);
        var report = await new TransferEngine().TransferAsync(new BucketImageSource(committed, "app", "1", null), target,
            new TransferOptions { CheckSourceFirst = true }, None);
        Assert.That(report.Digest, Is.EqualTo(expected));
        Assert.That(report.BlobsCopied, Is.GreaterThan(0));
    }

    private static string BlobKey(Descriptor blob) => BucketLayout.BlobKey(Digest.Parse(blob.Digest));

    private sealed class RecordingObserver : ITransferObserver
    {
        private readonly ConcurrentQueue<string> _messages = new();
        public IReadOnlyList<string> Messages => [.. _messages];
        public void Message(string text) => _messages.Enqueue(text);
    }

    /// <summary>The real store, with keys deleted once: right after the first HEAD of one key, or right before the first put of one.</summary>
    private sealed class SweepingStore(IObjectStore inner, IReadOnlyList<string> delete, string? afterHeadOf = null, string? beforePutOf = null) : IObjectStore
    {
        private int _swept;
        public bool Swept => _swept == 1;

        public string DisplayName => inner.DisplayName;

        public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct)
        {
            var info = await inner.HeadAsync(key, ct);
            if (key == afterHeadOf) await SweepAsync(ct);
            return info;
        }

        public async Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
        {
            if (key == beforePutOf) await SweepAsync(ct);
            return await inner.PutAsync(key, content, length, options, ct);
        }

        private async Task SweepAsync(CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _swept, 1) == 1) return;
            foreach (var key in delete) await inner.DeleteAsync(key, ct);
        }

        public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => inner.OpenReadAsync(key, ct);
        public Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct) => inner.OpenReadRangeAsync(key, offset, length, ct);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
        public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
        public Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct) => inner.DeleteIfMatchAsync(key, etag, ct);
        public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) => inner.DeleteManyAsync(keys, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
