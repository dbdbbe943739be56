using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Bucket;

[TestFixture]
public class ImageBucketTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _root = null!;
    private ImageBucket _bucket = null!;
    private ImageBuilder _images = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("bucket");
        _root = _temp.Sub("store");
        _bucket = new ImageBucket(new LocalObjectStore(_root));
        _images = new ImageBuilder(_bucket);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<List<string>> TagsAsync()
    {
        var tags = new List<string>();
        await foreach (var (repo, tag) in _bucket.ListTagsAsync(None)) tags.Add($"{repo}:{tag}");
        tags.Sort(StringComparer.Ordinal);
        return tags;
    }

    private async Task<List<string>> BlobKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var info in _bucket.Store.ListAsync(BucketLayout.BlobsPrefix, None)) keys.Add(info.Key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    [Test]
    public async Task ListTagsFindsNestedNames()
    {
        var image = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        await _images.TagAsync("org/team/app", "1.2.3", image);
        await _images.TagAsync("app", "latest", image);
        await _images.TagAsync("org/app", "1.0", image);
        await _images.TagAsync("org/app/1.0", "v1", image);

        Assert.That(await TagsAsync(), Is.EqualTo(new[] { "app:latest", "org/app/1.0:v1", "org/app:1.0", "org/team/app:1.2.3" }));
    }

    [Test]
    public async Task ListTagsReadsTheV1Fixture()
    {
        var bucket = new ImageBucket(new LocalObjectStore(FixtureStore.Path));
        var tags = new List<(string, string)>();
        await foreach (var t in bucket.ListTagsAsync(None)) tags.Add(t);

        Assert.That(tags, Is.EqualTo(new[] { ("alpine", "latest") }));
    }

    [Test]
    public async Task WriteTagThenReadTagKeepsTheBytesAndWritesTheV1Layout()
    {
        var image = await _images.PutImageAsync("linux", "amd64", null, seed: 1);

        await _bucket.WriteTagAsync("org/app", "v1", image, WriteCondition.IfAbsent, None);
        var record = await _bucket.ReadTagAsync("org/app", "v1", None);

        Assert.That(record, Is.Not.Null);
        Assert.That(record!.Manifest.Bytes, Is.EqualTo(image.Bytes));
        Assert.That(record.Manifest.Digest, Is.EqualTo(image.Digest));
        Assert.That(record.ETag, Is.Not.Null.And.Not.Empty);
        Assert.That(File.ReadAllBytes(Path.Combine(_root, "manifests", "org", "app", "v1", "manifest.json")), Is.EqualTo(image.Bytes));
        Assert.That(File.ReadAllText(Path.Combine(_root, "manifests", "org", "app", "v1", "oci-layout")), Is.EqualTo("""{"imageLayoutVersion":"1.0.0"}"""));
        Assert.That(await _bucket.ReadTagAsync("org/app", "v2", None), Is.Null);
    }

    [Test]
    public async Task ReadTagOfTheFixtureGivesTheIndexDigest()
    {
        var bucket = new ImageBucket(new LocalObjectStore(FixtureStore.Path));

        var record = await bucket.ReadTagAsync("alpine", "latest", None);

        Assert.That(record!.Manifest.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(record.Manifest.IsIndex, Is.True);
    }

    [Test]
    public async Task DeleteTagRemovesOnlyThatTagsFilesAndNeverBlobs()
    {
        var image = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        await _images.TagAsync("org/app", "1.0", image);
        await _images.TagAsync("org/app", "2.0", image);
        await _bucket.AppendHistoryAsync("org/app", "1.0", new HistoryEntry { Digest = image.Digest.ToString(), PushedAt = DateTimeOffset.UnixEpoch }, None);
        await PutRawAsync("manifests/org/app/1.0/signatures/0123456789abcdef.json", "{}");
        var blobsBefore = await BlobKeysAsync();

        var deleted = await _bucket.DeleteTagAsync("org/app", "1.0", None);

        Assert.That(deleted, Is.True);
        Assert.That(await TagsAsync(), Is.EqualTo(new[] { "org/app:2.0" }));
        Assert.That(TempDir.FilesUnder(Path.Combine(_root, "manifests", "org", "app", "1.0")), Is.Empty);
        Assert.That(await BlobKeysAsync(), Is.EqualTo(blobsBefore).And.Count.EqualTo(3));
        Assert.That((await _bucket.ReadTagAsync("org/app", "2.0", None))!.Manifest.Bytes, Is.EqualTo(image.Bytes));
    }

    [Test]
    public async Task DeleteTagOfATagWithOnlyItsManifestSucceeds()
    {
        // A push killed between manifest.json and oci-layout/history.json leaves just the manifest.
        var image = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        await PutRawAsync("manifests/half/v1/manifest.json", Encoding.UTF8.GetString(image.Bytes));

        bool deleted = false;
        Assert.That(async () => deleted = await _bucket.DeleteTagAsync("half", "v1", None), Throws.Nothing);

        Assert.That(deleted, Is.True);
        Assert.That(await _bucket.ReadTagAsync("half", "v1", None), Is.Null);
        Assert.That(await TagsAsync(), Is.Empty);
    }

    [Test]
    public async Task DeleteTagOfAnExpectedVersionAPushReplacedKeepsTheNewOne()
    {
        // clean decides on the version it read; a push since then is a new image that must stay.
        var first = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        var second = await _images.PutImageAsync("linux", "amd64", null, seed: 2);
        await _images.TagAsync("app", "1", first);
        var decidedOn = (await _bucket.ReadTagAsync("app", "1", None))!.ETag;
        await _images.TagAsync("app", "1", second);

        var error = Assert.ThrowsAsync<S3loException>(async () => await _bucket.DeleteTagAsync("app", "1", decidedOn, None));

        Assert.That(error!.Message, Does.StartWith("app:1 in "));
        Assert.That((await _bucket.ReadTagAsync("app", "1", None))!.Manifest.Digest, Is.EqualTo(second.Digest));
    }

    [Test]
    public async Task DeleteTagOfAMissingTagReturnsFalse()
    {
        Assert.That(await _bucket.DeleteTagAsync("nope", "v1", None), Is.False);
    }

    [Test]
    public async Task DeleteTagDoesNotRemoveAnImageWhoseNameContinuesThePath()
    {
        var app = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        var other = await _images.PutImageAsync("linux", "arm64", null, seed: 2);
        await _images.TagAsync("org/app", "1.0", app);
        await _images.TagAsync("org/app/1.0", "v1", other);
        await _bucket.AppendHistoryAsync("org/app/1.0", "v1", new HistoryEntry { Digest = other.Digest.ToString(), PushedAt = DateTimeOffset.UnixEpoch }, None);

        await _bucket.DeleteTagAsync("org/app", "1.0", None);

        var remaining = await _bucket.ReadTagAsync("org/app/1.0", "v1", None);
        Assert.That(remaining, Is.Not.Null);
        Assert.That(remaining!.Manifest.Bytes, Is.EqualTo(other.Bytes));
        Assert.That(await _bucket.ReadHistoryAsync("org/app/1.0", "v1", None), Has.Count.EqualTo(1));
        Assert.That(await TagsAsync(), Is.EqualTo(new[] { "org/app/1.0:v1" }));
    }

    [Test]
    public async Task DeleteTagDoesNotRemoveAnImageTaggedSignaturesUnderTheDeletedTagsPath()
    {
        // "signatures" is a valid tag, so org/app/1.0:signatures lives at manifests/org/app/1.0/signatures/,
        // the very prefix where org/app:1.0 keeps its signature files.
        var app = await _images.PutImageAsync("linux", "amd64", null, seed: 1);
        var other = await _images.PutImageAsync("linux", "arm64", null, seed: 2);
        await _images.TagAsync("org/app", "1.0", app);
        await _images.TagAsync("org/app/1.0", "signatures", other);

        await _bucket.DeleteTagAsync("org/app", "1.0", None);

        var remaining = await _bucket.ReadTagAsync("org/app/1.0", "signatures", None);
        Assert.That(remaining?.Manifest.Digest.ToString(), Is.EqualTo(other.Digest.ToString()), "org/app/1.0:signatures must survive deleting org/app:1.0");
        Assert.That(await TagsAsync(), Is.EqualTo(new[] { "org/app/1.0:signatures" }));
    }

    [Test]
    public async Task AppendHistoryKeepsNewestFirstInTheV1Format()
    {
        var first = new HistoryEntry { PushedAt = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), Digest = "sha256:" + new string('a', 64), SizeBytes = 10 };
        var second = new HistoryEntry { PushedAt = new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)), Digest = "sha256:" + new string('b', 64), SizeBytes = 20 };

        await _bucket.AppendHistoryAsync("app", "v1", first, None);
        await _bucket.AppendHistoryAsync("app", "v1", second, None);
        var history = await _bucket.ReadHistoryAsync("app", "v1", None);

        Assert.That(history.Select(h => h.Digest), Is.EqualTo(new[] { second.Digest, first.Digest }));
        Assert.That(history[0].PushedAt, Is.EqualTo(second.PushedAt));
        Assert.That(File.ReadAllText(Path.Combine(_root, "manifests", "app", "v1", "history.json")), Is.EqualTo(
            $$"""[{"pushed_at":"2024-02-03T02:05:06Z","digest":"{{second.Digest}}","size_bytes":20},{"pushed_at":"2024-01-02T03:04:05Z","digest":"{{first.Digest}}","size_bytes":10}]"""));
    }

    [Test]
    public async Task AppendHistoryOnTopOfAV1HistoryKeepsTheV1Entry()
    {
        var store = FixtureStore.CopyTo(_temp.Sub("fixture"));
        var bucket = new ImageBucket(new LocalObjectStore(store));
        var entry = new HistoryEntry { PushedAt = DateTimeOffset.UtcNow, Digest = FixtureStore.Amd64ManifestDigest, SizeBytes = 5 };

        await bucket.AppendHistoryAsync("alpine", "latest", entry, None);
        var history = await bucket.ReadHistoryAsync("alpine", "latest", None);

        Assert.That(history.Select(h => h.Digest), Is.EqualTo(new[] { FixtureStore.Amd64ManifestDigest, FixtureStore.IndexDigest }));
        Assert.That(history[1].PushedAt, Is.EqualTo(new DateTimeOffset(2026, 4, 13, 13, 22, 9, TimeSpan.Zero)));
    }

    [Test]
    public async Task AppendHistoryKeepsAtMostAThousandEntries()
    {
        var entries = Enumerable.Range(0, 1000).Select(i =>
            $$"""{"pushed_at":"2024-01-01T00:00:00Z","digest":"sha256:{{i:x64}}","size_bytes":{{i}}}""");
        await PutRawAsync("manifests/app/v1/history.json", "[" + string.Join(",", entries) + "]");

        await _bucket.AppendHistoryAsync("app", "v1", new HistoryEntry { PushedAt = DateTimeOffset.UnixEpoch, Digest = "newest" }, None);
        var history = await _bucket.ReadHistoryAsync("app", "v1", None);

        Assert.That(history, Has.Count.EqualTo(1000));
        Assert.That(history[0].Digest, Is.EqualTo("newest"));
        Assert.That(history[^1].SizeBytes, Is.EqualTo(998));
    }

    [TestCase("not json at all")]
    [TestCase("""{"pushed_at":"2024-01-01T00:00:00Z"}""")]
    [TestCase("""[{"pushed_at":"yesterday","digest":"sha256:x","size_bytes":1}]""")]
    [TestCase("""[{"pushed_at":null,"digest":"sha256:x","size_bytes":1}]""")]
    public async Task ADamagedHistoryDoesNotBlockAnAppend(string damaged)
    {
        await PutRawAsync("manifests/app/v1/history.json", damaged);
        var entry = new HistoryEntry { PushedAt = DateTimeOffset.UnixEpoch, Digest = "sha256:" + new string('c', 64), SizeBytes = 1 };

        Assert.That(async () => await _bucket.AppendHistoryAsync("app", "v1", entry, None), Throws.Nothing);

        var history = await _bucket.ReadHistoryAsync("app", "v1", None);
        Assert.That(history.Select(h => h.Digest), Does.Contain(entry.Digest));
    }

    [Test]
    public async Task ReadHistoryOfATagWithoutHistoryIsEmpty()
    {
        Assert.That(await _bucket.ReadHistoryAsync("none", "v1", None), Is.Empty);
    }

    [Test]
    public async Task DiffIdIndexRecordThenFindReturnsTheDescriptor()
    {
        var layer = await _images.PutBlobAsync(Bytes.Random(2048, seed: 9), MediaTypes.OciLayerZstd);
        var diffId = Digest.Compute("the uncompressed tar"u8);

        await _bucket.RecordIndexedLayerAsync(diffId, LayerCompression.Zstd, layer, tarSize: 4096, None);
        var found = await _bucket.FindIndexedLayerAsync(diffId, LayerCompression.Zstd, None);

        Assert.That(found, Is.EqualTo(new CachedLayer(new Descriptor { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size }, 4096)));
        Assert.That(await _bucket.FindIndexedLayerAsync(diffId, LayerCompression.Gzip, None), Is.Null, "indexed per compression");
        Assert.That(await _bucket.Store.HeadAsync($"s3lo-index/diff-ids/zstd/sha256/{diffId.Hex}", None), Is.Not.Null);
    }

    [Test]
    public async Task DiffIdIndexFindReturnsNullWhenTheBlobWasDeleted()
    {
        var layer = await _images.PutBlobAsync(Bytes.Random(2048, seed: 9), MediaTypes.OciLayerGzip);
        var diffId = Digest.Compute("tar"u8);
        await _bucket.RecordIndexedLayerAsync(diffId, LayerCompression.Gzip, layer, tarSize: null, None);

        await _bucket.Store.DeleteAsync(BucketLayout.BlobKey(Digest.Parse(layer.Digest)), None);

        Assert.That(await _bucket.FindIndexedLayerAsync(diffId, LayerCompression.Gzip, None), Is.Null);
    }

    [Test]
    public async Task DiffIdIndexFindReturnsNullForUnknownOrDamagedEntries()
    {
        var diffId = Digest.Compute("tar"u8);
        Assert.That(await _bucket.FindIndexedLayerAsync(diffId, LayerCompression.Gzip, None), Is.Null);

        await PutRawAsync(BucketLayout.DiffIdKey(diffId, LayerCompression.Gzip), "{ broken");
        Assert.That(await _bucket.FindIndexedLayerAsync(diffId, LayerCompression.Gzip, None), Is.Null);
    }

    [Test]
    public async Task PutBlobOfAnExistingDigestLeavesItAsIs()
    {
        var bytes = Bytes.Random(100, seed: 3);
        var digest = Digest.Compute(bytes);
        await _bucket.PutBlobAsync(digest, new MemoryStream(bytes), bytes.Length, None);

        Assert.That(async () => await _bucket.PutBlobAsync(digest, new MemoryStream(bytes), bytes.Length, None), Throws.Nothing);
        Assert.That(Sha.OfFile(Path.Combine(_root, "blobs", "sha256", digest.Hex)), Is.EqualTo(digest.ToString()));
    }

    [Test]
    public async Task HasBlobTreatsAWrongSizeAsAbsent()
    {
        var bytes = Bytes.Random(100, seed: 3);
        var digest = Digest.Compute(bytes);
        await _bucket.PutBlobAsync(digest, new MemoryStream(bytes), bytes.Length, None);

        Assert.That(await _bucket.HasBlobAsync(digest, 100, None), Is.True);
        Assert.That(await _bucket.HasBlobAsync(digest, -1, None), Is.True);
        Assert.That(await _bucket.HasBlobAsync(digest, 99, None), Is.False);
        Assert.That(await _bucket.HasBlobAsync(Digest.Compute([1]), 1, None), Is.False);
    }

    [Test]
    public void OpenBlobOfAMissingBlobThrowsNotFoundNamingTheDigest()
    {
        var digest = Digest.Compute([1, 2, 3]);

        Assert.That(async () => await _bucket.OpenBlobAsync(digest, None),
            Throws.TypeOf<NotFoundException>().With.Message.Contains(digest.ToString()));
    }

    [Test]
    public async Task ReadTagRejectsAnOversizedManifest()
    {
        await PutRawAsync("manifests/big/v1/manifest.json", "{\"x\":\"" + new string('a', OciJson.MaxDocumentBytes) + "\"}");

        Assert.That(async () => await _bucket.ReadTagAsync("big", "v1", None),
            Throws.TypeOf<S3loException>().With.Message.Contains("limit"));
    }

    private async Task PutRawAsync(string key, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _bucket.Store.PutAsync(key, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);
    }
}
