using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Registry;

/// <summary>
/// Copies between a local store and the REAL open test registry (CNCF distribution 2.8 from
/// eng/services.sh), with the fixture's real multi-arch alpine; skopeo checks what was written.
/// </summary>
[TestFixture]
[NonParallelizable]
public class RegistryCopyTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PlatformSpec Amd64 = PlatformSpec.Parse("linux/amd64");
    private RegistryFixtureImages _fixture = null!;
    private string _registry = null!;
    private string _prefix = null!;
    private TempDir _temp = null!;

    [OneTimeSetUp]
    public async Task SetUpFixture()
    {
        _registry = RegistryTestEnvironment.OpenRegistry;
        _prefix = RegistryTestEnvironment.UniquePrefix();
        _fixture = await RegistryFixtureImages.CreateAsync();
    }

    [OneTimeTearDown]
    public async Task TearDownFixture() => await _fixture.DisposeAsync();

    [SetUp]
    public void SetUp() => _temp = new TempDir("registry-copy");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private RegistryReference Ref(string repositoryAndTag) => RegistryReference.Parse($"{_registry}/{_prefix}/{repositoryAndTag}");

    private static RegistryClientOptions Options(RegistryTestLogger? logger = null) =>
        new() { Logger = logger ?? new RegistryTestLogger(), RetryBaseDelay = TimeSpan.FromMilliseconds(10) };

    private static Task<TransferReport> CopyAsync(IImageSource source, IImageDestination destination, PlatformSpec? platform = null) =>
        new TransferEngine().TransferAsync(source, destination, new TransferOptions { Platform = platform, PlatformIsExplicit = platform is not null }, None);

    private BucketImageSource FixtureSource(string tag = FixtureStore.Tag) => new(_fixture.Bucket, FixtureStore.Repository, tag, null);

    private ImageBucket NewBucket(string name) => new(new LocalObjectStore(_temp.Sub(name)));

    [Test]
    public async Task SinglePlatformCopiesToTheRegistryAndBackByteExact()
    {
        var target = Ref("single/alpine:amd64");
        await using (var destination = RegistryImageDestination.Open(target.ToString(), Options()))
        {
            var report = await CopyAsync(FixtureSource(), destination, Amd64);
            Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
            Assert.That(report.BlobsCopied, Is.EqualTo(2), "config and layer");
            Assert.That(report.Commit.PreviousDigest, Is.Null);
        }

        await using var back = NewBucket("back");
        await using (var source = RegistryImageSource.Open(target.ToString(), Options()))
        {
            var report = await CopyAsync(source, new BucketImageDestination(back, "mirror/alpine", "amd64", TimeProvider.System));
            Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        }
        var stored = (await back.ReadTagAsync("mirror/alpine", "amd64", None))!.Manifest;
        var original = await _fixture.Bucket.ReadAllAsync(BucketLayout.BlobKey(Digest.Parse(FixtureStore.Amd64ManifestDigest)), None);
        Assert.That(stored.Bytes, Is.EqualTo(original), "manifest bytes unchanged through the registry");
        Assert.That(await back.HasBlobAsync(Digest.Parse(FixtureStore.Amd64LayerDigest), -1, None), Is.True);

        var seenBySkopeo = await RegistrySkopeo.InspectRawAsync(target.ToString());
        Assert.That(Sha.Of(seenBySkopeo), Is.EqualTo(FixtureStore.Amd64ManifestDigest), "skopeo reads the same manifest");
    }

    [Test]
    public async Task WholeIndexKeepsItsBytesAndDigestAndASecondCopyUploadsNothing()
    {
        var target = Ref("multi/alpine:multi");
        var expected = _fixture.PresentIndex;
        TransferReport first;
        await using (var destination = RegistryImageDestination.Open(target.ToString(), Options()))
            first = await CopyAsync(FixtureSource(RegistryFixtureImages.PresentTag), destination);
        Assert.That(first.Digest, Is.EqualTo(expected.Digest));
        Assert.That(first.Platforms, Has.Count.GreaterThanOrEqualTo(6));
        Assert.That(first.Platforms, Does.Not.Contain("linux/arm64/v8"), "the platform with a missing blob was left out of the reduced index");
        Assert.That(first.BlobsCopied, Is.GreaterThan(10));

        TransferReport second;
        await using (var destination = RegistryImageDestination.Open(target.ToString(), Options()))
            second = await CopyAsync(FixtureSource(RegistryFixtureImages.PresentTag), destination);
        Assert.Multiple(() =>
        {
            Assert.That(second.BlobsCopied, Is.EqualTo(0), "every blob is found by HEAD and skipped");
            Assert.That(second.BlobsSkipped, Is.EqualTo(first.BlobsCopied));
            Assert.That(second.Commit.Unchanged, Is.True);
            Assert.That(second.Commit.PreviousDigest, Is.EqualTo(expected.Digest));
        });

        var raw = await RegistrySkopeo.InspectRawAsync(target.ToString());
        Assert.That(raw, Is.EqualTo(expected.Bytes), "skopeo reads the index byte for byte");

        await using var back = NewBucket("back");
        await using (var source = RegistryImageSource.Open(target.ToString(), Options()))
        {
            var report = await CopyAsync(source, new BucketImageDestination(back, "alpine", "multi", TimeProvider.System));
            Assert.That(report.Digest, Is.EqualTo(expected.Digest));
        }
        var stored = (await back.ReadTagAsync("alpine", "multi", None))!.Manifest;
        Assert.That(stored.Bytes, Is.EqualTo(expected.Bytes));
        foreach (var child in expected.Index!.Manifests)
            Assert.That(await back.HasBlobAsync(Digest.Parse(child.Digest), child.Size, None), Is.True, $"child manifest {child.Digest} copied back");
    }

    [Test]
    public async Task PullsByDigestAndByTagAtDigest()
    {
        var target = Ref("bydigest/alpine:v1");
        await using (var destination = RegistryImageDestination.Open(target.ToString(), Options()))
            await CopyAsync(FixtureSource(), destination, Amd64);
        var byDigest = RegistryReference.Parse($"{_registry}/{_prefix}/bydigest/alpine@{FixtureStore.Amd64ManifestDigest}");
        await using var source = new RegistryImageSource(new RegistryClient(_registry, Options()), byDigest, ownsClient: true);
        Assert.That((await source.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        await using var tagAndDigest = RegistryImageSource.Open($"{target}@{FixtureStore.Amd64ManifestDigest}", Options());
        Assert.That((await tagAndDigest.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public async Task LargeBlobsGoUpInChunksAndComeBackIntact()
    {
        await using var bucket = NewBucket("synthetic");
        var image = await new ImageBuilder(bucket).PutImageAsync("linux", "amd64", null, seed: 7, layerCount: 2, layerSize: 300_000);
        await new ImageBuilder(bucket).TagAsync("big", "v1", image);
        var target = Ref("big:v1");
        var logger = new RegistryTestLogger();
        var options = Options(logger) with { MonolithicUploadLimit = 64 * 1024, UploadChunkSize = 100_000 };
        await using (var destination = RegistryImageDestination.Open(target.ToString(), options))
            await CopyAsync(new BucketImageSource(bucket, "big", "v1", null), destination);
        Assert.That(logger.All, Does.Contain("PATCH"), "the layers were sent in PATCH chunks");

        await using var back = NewBucket("back");
        await using (var source = RegistryImageSource.Open(target.ToString(), Options()))
            await CopyAsync(source, new BucketImageDestination(back, "big", "v1", TimeProvider.System));
        foreach (var layer in image.Manifest!.Layers)
        {
            await using var stream = await back.OpenBlobAsync(Digest.Parse(layer.Digest), None);
            Assert.That(Sha.Of(await Bytes.ReadAllAsync(stream)), Is.EqualTo(layer.Digest));
        }
    }

    [TestCase(1L << 40, TestName = "CorruptSourceBlobIsNeverStoredAndNoTagIsWritten(monolithic)")]
    [TestCase(16L * 1024, TestName = "CorruptSourceBlobIsNeverStoredAndNoTagIsWritten(chunked)")]
    public async Task CorruptSourceBlobIsNeverStoredAndNoTagIsWritten(long monolithicLimit)
    {
        await using var bucket = NewBucket("synthetic");
        var image = await new ImageBuilder(bucket).PutImageAsync("linux", "amd64", null, seed: 11, layerCount: 1, layerSize: 100_000);
        await new ImageBuilder(bucket).TagAsync("corrupt", "v1", image);
        var layer = image.Manifest!.Layers[0];
        var tampering = new TamperingImageSource(new BucketImageSource(bucket, "corrupt", "v1", null));
        tampering.CorruptBlobs.Add(layer.Digest);
        var target = Ref($"corrupt{monolithicLimit}:v1");
        var options = Options() with { MonolithicUploadLimit = monolithicLimit, UploadChunkSize = 32 * 1024 };
        await using var destination = RegistryImageDestination.Open(target.ToString(), options);
        var e = Assert.ThrowsAsync<DigestMismatchException>(() => CopyAsync(tampering, destination))!;
        Assert.That(e.Expected, Is.EqualTo(layer.Digest));
        Assert.That(e.Message, Does.Contain(layer.Digest).And.Contain(e.Actual));

        using var client = new RegistryClient(_registry, Options());
        Assert.That(await client.HeadBlobAsync(target.Repository, Digest.Parse(layer.Digest), None), Is.Null, "the corrupt layer was not stored");
        Assert.That(await client.HeadBlobAsync(target.Repository, Digest.Parse(e.Actual), None), Is.Null, "nor under the digest of the wrong bytes");
        Assert.That(await client.HeadManifestAsync(target.Repository, "v1", None), Is.Null, "no tag was written");
    }

    [Test]
    public async Task CopyBetweenRepositoriesOfOneRegistryMountsBlobs()
    {
        var first = Ref("mount-src:v1");
        await using (var destination = RegistryImageDestination.Open(first.ToString(), Options()))
            await CopyAsync(FixtureSource(), destination, Amd64);

        var second = Ref("mount-dst:v1");
        using var client = new RegistryClient(_registry, Options());
        await using var source = new RegistryImageSource(client, first);
        await using var mounting = new RegistryImageDestination(client, second, mountFrom: first);
        var report = await CopyAsync(source, mounting);
        Assert.Multiple(() =>
        {
            Assert.That(mounting.BlobsMounted, Is.EqualTo(2));
            Assert.That(report.BlobsCopied, Is.EqualTo(0), "nothing streamed through s3lo");
            Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        });
        Assert.That(await client.HeadBlobAsync(second.Repository, Digest.Parse(FixtureStore.Amd64LayerDigest), None), Is.Not.Null);
    }

    [Test]
    public async Task ListsTagsAndReportsMissingTagsAsNotFound()
    {
        var target = Ref("tags:one");
        await using (var destination = RegistryImageDestination.Open(target.ToString(), Options()))
            await CopyAsync(FixtureSource(), destination, Amd64);
        await using (var destination = RegistryImageDestination.Open(target.WithTag("two").ToString(), Options()))
            await CopyAsync(FixtureSource(), destination, Amd64);
        using var client = new RegistryClient(_registry, Options());
        Assert.That(await client.ListTagsAsync(target.Repository, None), Is.EquivalentTo(new[] { "one", "two" }));

        await using var missing = RegistryImageSource.Open(target.WithTag("nope").ToString(), Options());
        var e = Assert.ThrowsAsync<NotFoundException>(() => missing.GetRootAsync(None))!;
        Assert.That(e.Message, Does.Contain("tags:nope").And.Contain("not found"));
    }

    [Test]
    public async Task DestinationNamedByAnotherDigestIsRefusedBeforeAnyUpload()
    {
        var target = RegistryReference.Parse($"{_registry}/{_prefix}/bydigest@{FixtureStore.IndexDigest}");
        await using var destination = new RegistryImageDestination(new RegistryClient(_registry, Options()), target, ownsClient: true);
        var e = Assert.ThrowsAsync<S3loException>(() => CopyAsync(FixtureSource(), destination, Amd64))!;
        Assert.That(e.Message, Does.Contain(FixtureStore.Amd64ManifestDigest));
        Assert.That(await destination.Client.HeadBlobAsync(target.Repository, Digest.Parse(FixtureStore.Amd64LayerDigest), None), Is.Null);
    }

    [Test]
    public async Task UsesPlainHttpOnLoopbackAfterHttpsFails()
    {
        using var client = new RegistryClient(_registry, Options());
        await client.ListTagsAsync("library/none-" + Guid.NewGuid().ToString("N")[..6], None).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.That(client.BaseUri!.Scheme, Is.EqualTo("http"));
    }
}
