using System.Runtime.CompilerServices;
using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Bucket;

/// <summary>delete racing a push, and history.json past its size limit, on a real local store.</summary>
public sealed class TagRaceTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string ManifestKey = "manifests/app/v1/manifest.json";
    private TempDir _temp = null!;
    private LocalObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("race");
        _store = new LocalObjectStore(_temp.Sub("store"));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task ADeleteThatAPushOvertakesFailsAndKeepsThePushedManifest()
    {
        var image = await new ImageBuilder(new ImageBucket(_store)).PutImageAsync("linux", "amd64", null, seed: 1);
        await PutAsync(ManifestKey, image.Bytes);
        var pushed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(image.Bytes).Replace("}", " }"));
        // The push lands right after delete read the tag. A fake only for that timing (a real race
        // cannot be forced deterministically); the local provider underneath does the real check.
        var racing = new PushOnce(_store, nameof(IObjectStore.HeadAsync), ManifestKey, () => PutAsync(ManifestKey, pushed));
        var bucket = new ImageBucket(racing);

        var error = Assert.ThrowsAsync<S3loException>(async () => await bucket.DeleteTagAsync("app", "v1", None));

        Assert.That(error!.Message, Does.StartWith("app:v1 in local://").And.EndWith("was changed by a push while delete ran; it was not deleted"));
        Assert.That(error, Is.Not.InstanceOf<UsageException>(), "a failed operation: exit code 1");
        Assert.That(await ReadAsync(ManifestKey), Is.EqualTo(pushed));
    }

    [Test]
    public async Task APushThatLandsRightAfterTheManifestWentKeepsItsHistory()
    {
        var image = await new ImageBuilder(new ImageBucket(_store)).PutImageAsync("linux", "amd64", null, seed: 3);
        await PutAsync(ManifestKey, image.Bytes);
        var history = Encoding.UTF8.GetBytes("""[{"pushed_at":"2026-12-01T00:00:00Z","digest":"sha256:1","size_bytes":1}]""");
        var racing = new PushOnce(_store, nameof(IObjectStore.DeleteIfMatchAsync), ManifestKey, async () =>
        {
            await PutAsync(ManifestKey, image.Bytes);
            await PutAsync("manifests/app/v1/history.json", history);
        });

        Assert.That(await new ImageBucket(racing).DeleteTagAsync("app", "v1", None), Is.True);

        Assert.That(await ReadAsync(ManifestKey), Is.EqualTo(image.Bytes), "the new push's tag stands");
        Assert.That(await ReadAsync("manifests/app/v1/history.json"), Is.EqualTo(history), "and so does its history");
    }

    [Test]
    public async Task ADeleteWithoutARaceRemovesTheTag()
    {
        var bucket = new ImageBucket(_store);
        var image = await new ImageBuilder(bucket).PutImageAsync("linux", "amd64", null, seed: 2);
        await PutAsync(ManifestKey, image.Bytes);

        Assert.That(await bucket.DeleteTagAsync("app", "v1", None), Is.True);
        Assert.That(await _store.HeadAsync(ManifestKey, None), Is.Null);
    }

    [Test]
    public async Task AHistoryOverItsSizeLimitIsRotatedToItsNewestEntriesAndTheAppendSucceeds()
    {
        // 1000 entries of 5 KB: 5 MB, over any limit a JSON document has here.
        var padding = new string('f', 5000);
        var entries = Enumerable.Range(0, 1000).Select(i => $$"""{"pushed_at":"2024-01-01T00:00:00Z","digest":"sha256:{{i}}-{{padding}}","size_bytes":{{i}}}""");
        await PutAsync("manifests/app/v1/history.json", Encoding.UTF8.GetBytes("[" + string.Join(",", entries) + "]"));
        var bucket = new ImageBucket(_store);
        var entry = new HistoryEntry { PushedAt = DateTimeOffset.UnixEpoch, Digest = "sha256:" + new string('a', 64), SizeBytes = 1 };

        Assert.That(async () => await bucket.AppendHistoryAsync("app", "v1", entry, None), Throws.Nothing);

        var stored = await _store.HeadAsync("manifests/app/v1/history.json", None);
        Assert.That(stored!.Size, Is.LessThanOrEqualTo(1 << 20));
        var history = await bucket.ReadHistoryAsync("app", "v1", None);
        Assert.That(history[0].Digest, Is.EqualTo(entry.Digest));
        Assert.That(history[1].SizeBytes, Is.EqualTo(0), "the newest of the old entries stays");
        Assert.That(history.Skip(1).Select(h => h.SizeBytes), Is.Ordered, "the oldest went");
        Assert.That(history, Has.Count.GreaterThan(100));
    }

    private async Task PutAsync(string key, byte[] bytes) =>
        await _store.PutAsync(key, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, None);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>The real store, with a push run once right after the first HEAD or conditional delete of one key.</summary>
    private sealed class PushOnce(IObjectStore inner, string after, string key, Func<Task> push) : IObjectStore
    {
        private bool _pushed;

        public string DisplayName => inner.DisplayName;

        public async Task<ObjectInfo?> HeadAsync(string k, CancellationToken ct)
        {
            var info = await inner.HeadAsync(k, ct);
            await PushIfDueAsync(nameof(HeadAsync), k, ct);
            return info;
        }

        public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) => inner.DeleteManyAsync(keys, ct);

        public async Task DeleteIfMatchAsync(string k, string etag, CancellationToken ct)
        {
            await inner.DeleteIfMatchAsync(k, etag, ct);
            await PushIfDueAsync(nameof(DeleteIfMatchAsync), k, ct);
        }

        private async Task PushIfDueAsync(string operation, string k, CancellationToken ct)
        {
            if (operation != after || k != key || _pushed) return;
            _pushed = true;
            await Task.Delay(20, ct); // a new modification time, as a later write has
            await push();
        }

        public Task<Stream> OpenReadAsync(string k, CancellationToken ct) => inner.OpenReadAsync(k, ct);
        public Task<Stream> OpenReadRangeAsync(string k, long offset, long length, CancellationToken ct) => inner.OpenReadRangeAsync(k, offset, length, ct);
        public Task<ObjectInfo> PutAsync(string k, Stream content, long length, PutOptions options, CancellationToken ct) => inner.PutAsync(k, content, length, options, ct);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
        public Task DeleteAsync(string k, CancellationToken ct) => inner.DeleteAsync(k, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
