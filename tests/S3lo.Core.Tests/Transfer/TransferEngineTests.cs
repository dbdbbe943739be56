using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Transfer;

[TestFixture]
public class TransferEngineTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PlatformSpec Amd64 = PlatformSpec.Parse("linux/amd64");
    private TempDir _fixtureCopy = null!;
    private string _fixtureRoot = null!;
    private TempDir _temp = null!;
    private ImageBucket _source = null!;
    private ImageBucket _destination = null!;
    private string _destinationRoot = null!;

    [OneTimeSetUp]
    public void CopyFixture()
    {
        _fixtureCopy = new TempDir("fixture");
        _fixtureRoot = FixtureStore.CopyTo(_fixtureCopy.Path);
    }

    [OneTimeTearDown]
    public void DeleteFixture() => _fixtureCopy.Dispose();

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("transfer");
        _source = new ImageBucket(new LocalObjectStore(_fixtureRoot));
        _destinationRoot = _temp.Sub("destination");
        _destination = new ImageBucket(new LocalObjectStore(_destinationRoot));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _source.DisposeAsync();
        await _destination.DisposeAsync();
        _temp.Dispose();
    }

    private static Task<TransferReport> TransferAsync(IImageSource source, IImageDestination destination, TransferOptions? options = null) =>
        new TransferEngine().TransferAsync(source, destination, options ?? new TransferOptions(), None);

    private BucketImageSource FixtureSource() => new(_source, FixtureStore.Repository, FixtureStore.Tag, null);

    private BucketImageDestination Destination(string repository = "mirror/alpine", string tag = "latest", ImageBucket? bucket = null) =>
        new(bucket ?? _destination, repository, tag, TimeProvider.System);

    /// <summary>Every blob in the destination, each checked to hash to its own key.</summary>
    private async Task<List<string>> VerifiedBlobsAsync(ImageBucket? bucket = null)
    {
        bucket ??= _destination;
        var digests = new List<string>();
        await foreach (var info in bucket.Store.ListAsync(BucketLayout.BlobsPrefix, None))
        {
            var digest = "sha256:" + info.Key[BucketLayout.BlobsPrefix.Length..];
            await using var stream = await bucket.Store.OpenReadAsync(info.Key, None);
            Assert.That(Sha.Of(await Bytes.ReadAllAsync(stream)), Is.EqualTo(digest), $"blob {info.Key} must hold the bytes of its digest");
            digests.Add(digest);
        }
        digests.Sort(StringComparer.Ordinal);
        return digests;
    }

    private async Task<List<string>> DestinationTagsAsync()
    {
        var tags = new List<string>();
        await foreach (var (repo, tag) in _destination.ListTagsAsync(None)) tags.Add($"{repo}:{tag}");
        return tags;
    }

    [Test]
    public async Task WholeIndexCopyOfTheFixtureFailsOnTheMissingArm64LayerAndWritesNoTag()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(() => TransferAsync(FixtureSource(), Destination()));

        Assert.That(error!.Message, Does.Contain(FixtureStore.MissingArm64LayerPrefix));
        Assert.That(error.Message, Does.Contain("linux/arm64"));
        Assert.That(await _destination.ReadTagAsync("mirror/alpine", "latest", None), Is.Null);
        Assert.That(await DestinationTagsAsync(), Is.Empty);
        Assert.That(TempDir.FilesUnder(Path.Combine(_destinationRoot, "manifests")), Is.Empty);
        // Whatever blobs made it are whole and verified, never partial.
        Assert.That(await VerifiedBlobsAsync(), Has.None.Contains(FixtureStore.MissingArm64LayerPrefix));
    }

    [Test]
    public async Task WholeIndexCopyWithCheckSourceFirstWritesNothingAtAll()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(() =>
            TransferAsync(FixtureSource(), Destination(), new TransferOptions { CheckSourceFirst = true }));

        Assert.That(error!.Message, Does.Contain(FixtureStore.MissingArm64LayerPrefix).And.Contain("nothing was written"));
        Assert.That(TempDir.FilesUnder(_destinationRoot), Is.Empty);
        Assert.That(await VerifiedBlobsAsync(), Is.Empty);
    }

    [Test]
    public async Task CopyingOnePlatformWritesItsSingleArchManifestAsTheTag()
    {
        var report = await TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = Amd64, CheckSourceFirst = true });

        var tag = await _destination.ReadTagAsync("mirror/alpine", "latest", None);
        Assert.That(tag, Is.Not.Null);
        Assert.That(tag!.Manifest.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(Sha.Of(tag.Manifest.Bytes), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(tag.Manifest.IsIndex, Is.False);
        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(report.Platforms, Is.EqualTo(new[] { "linux/amd64" }));
        Assert.That(report.BlobsCopied, Is.EqualTo(2));
        Assert.That(report.BytesCopied, Is.EqualTo(611 + 3861821));
        Assert.That(report.BlobsSkipped, Is.Zero);
        Assert.That(report.Commit.Unchanged, Is.False);
        Assert.That(report.Commit.PreviousDigest, Is.Null);
        Assert.That(await VerifiedBlobsAsync(), Is.EqualTo(new[] { FixtureStore.Amd64LayerDigest, FixtureStore.Amd64ConfigDigest }));
        var history = await _destination.ReadHistoryAsync("mirror/alpine", "latest", None);
        Assert.That(history.Select(h => h.Digest), Is.EqualTo(new[] { FixtureStore.Amd64ManifestDigest }));
        Assert.That(history[0].SizeBytes, Is.EqualTo(611 + 3861821 + 1022));
    }

    [Test]
    public async Task ASecondIdenticalTransferCopiesNothing()
    {
        var options = new TransferOptions { Platform = Amd64 };
        await TransferAsync(FixtureSource(), Destination(), options);
        var observer = new RecordingObserver();

        var report = await TransferAsync(FixtureSource(), Destination(), options with { Observer = observer });

        Assert.That(report.BlobsCopied, Is.Zero);
        Assert.That(report.BytesCopied, Is.Zero);
        Assert.That(report.BlobsSkipped, Is.EqualTo(2));
        Assert.That(report.Commit.Unchanged, Is.True);
        Assert.That(report.Commit.PreviousDigest?.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(observer.Started, Is.Empty);
        Assert.That(observer.Skipped, Has.Count.EqualTo(2));
        Assert.That(await _destination.ReadHistoryAsync("mirror/alpine", "latest", None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AnUnknownPlatformThrowsWithTheAvailablePlatformsInTheHint()
    {
        var error = Assert.ThrowsAsync<S3loException>(() =>
            TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = PlatformSpec.Parse("linux/mips64le"), PlatformIsExplicit = true }));

        Assert.That(error!.Message, Does.Contain("has no image for linux/mips64le"));
        Assert.That(error.Hint, Does.Contain("linux/amd64").And.Contain("linux/arm64/v8").And.Contain("linux/s390x"));
        Assert.That(error.Hint, Does.Not.Contain("unknown"));
        Assert.That(TempDir.FilesUnder(_destinationRoot), Is.Empty);
    }

    [Test]
    public void AttestationEntriesAreNeverSelectedByPlatform()
    {
        var error = Assert.ThrowsAsync<S3loException>(() =>
            TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = PlatformSpec.Parse("unknown/unknown") }));

        Assert.That(error!.Message, Does.Contain("has no image for unknown/unknown"));
        Assert.That(TempDir.FilesUnder(_destinationRoot), Is.Empty);
    }

    [Test]
    public async Task AnAttestationMarkedOnlyByItsAnnotationIsSkippedEvenWhenListedFirst()
    {
        var sourceBucket = new ImageBucket(new LocalObjectStore(_temp.Sub("source")));
        var images = new ImageBuilder(sourceBucket);
        var real = await images.PutImageAsync("linux", "amd64", null, seed: 1);
        var attestation = await images.PutImageAsync("linux", "amd64", null, seed: 5);
        var index = ImageBuilder.Index(
            ImageBuilder.Entry(attestation, "linux", "amd64", annotations: new Dictionary<string, string> { ["vnd.docker.reference.type"] = "attestation-manifest" }),
            ImageBuilder.Entry(real, "linux", "amd64"));
        await images.TagAsync("app", "v1", index);

        var report = await TransferAsync(new BucketImageSource(sourceBucket, "app", "v1", null), Destination(), new TransferOptions { Platform = Amd64 });

        Assert.That(report.Digest, Is.EqualTo(real.Digest));
        Assert.That((await _destination.ReadTagAsync("mirror/alpine", "latest", None))!.Manifest.Digest, Is.EqualTo(real.Digest));
    }

    [Test]
    public async Task AWholeIndexCopyKeepsTheIndexByteExactAndStoresEveryBlobAndChildManifest()
    {
        var sourceBucket = new ImageBucket(new LocalObjectStore(_temp.Sub("source")));
        var index = await new ImageBuilder(sourceBucket).PutMultiArchAsync("org/app", "1.0");
        var sourceBlobs = await VerifiedBlobsAsync(sourceBucket);

        var report = await TransferAsync(new BucketImageSource(sourceBucket, "org/app", "1.0", null), Destination("copy/app", "1.0"),
            new TransferOptions { CheckSourceFirst = true });

        var tag = await _destination.ReadTagAsync("copy/app", "1.0", None);
        Assert.That(tag!.Manifest.Bytes, Is.EqualTo(index.Bytes));
        Assert.That(tag.Manifest.Digest, Is.EqualTo(index.Digest));
        Assert.That(report.Digest, Is.EqualTo(index.Digest));
        Assert.That(report.MediaType, Is.EqualTo(MediaTypes.OciIndex));
        Assert.That(report.Platforms, Is.EqualTo(new[] { "linux/amd64", "linux/arm64/v8" }));
        Assert.That(report.BlobsCopied, Is.EqualTo(6), "3 configs and 3 layers");
        // Configs, layers and the three per-platform manifests: exactly what the source holds.
        Assert.That(await VerifiedBlobsAsync(), Is.EqualTo(sourceBlobs).And.Count.EqualTo(9));
    }

    [Test]
    public async Task TheFixturesIndexCopiesByteExactWhenTheDestinationAlreadyHasTheMissingLayer()
    {
        // The fixture lacks one arm64 layer; a destination that somehow has a blob under that key
        // (planted here, wrong bytes but right size) lets the whole index go through, unchanged.
        var arm64 = ManifestBlob.Parse(await File.ReadAllBytesAsync(Path.Combine(_fixtureRoot, "blobs", "sha256", FixtureStore.Arm64ManifestDigest[7..])), "arm64");
        var missing = arm64.Manifest!.Layers[0];
        Assert.That(missing.Digest, Does.Contain(FixtureStore.MissingArm64LayerPrefix));
        var planted = new byte[missing.Size];
        await _destination.Store.PutAsync(BucketLayout.BlobKey(Digest.Parse(missing.Digest)), new MemoryStream(planted), planted.Length, PutOptions.Blob, None);

        var report = await TransferAsync(FixtureSource(), Destination());

        var tag = await _destination.ReadTagAsync("mirror/alpine", "latest", None);
        Assert.That(tag!.Manifest.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(tag.Manifest.Bytes, Is.EqualTo(await File.ReadAllBytesAsync(FixtureStore.ManifestPath)));
        Assert.That(report.Platforms, Has.Count.EqualTo(8));
        Assert.That(report.BlobsSkipped, Is.EqualTo(1));
        foreach (var file in Directory.GetFiles(Path.Combine(_fixtureRoot, "blobs", "sha256")))
        {
            var copy = Path.Combine(_destinationRoot, "blobs", "sha256", Path.GetFileName(file));
            Assert.That(File.Exists(copy), Is.True, $"{Path.GetFileName(file)} must be copied");
            Assert.That(Sha.OfFile(copy), Is.EqualTo("sha256:" + Path.GetFileName(file)));
        }
    }

    [Test]
    public async Task ASourceReturningCorruptBlobBytesFailsWithADigestMismatchAndNoTag()
    {
        var source = new TamperingImageSource(FixtureSource());
        source.CorruptBlobs.Add(FixtureStore.Amd64LayerDigest);

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => TransferAsync(source, Destination(), new TransferOptions { Platform = Amd64 }));

        Assert.That(error!.Expected, Is.EqualTo(FixtureStore.Amd64LayerDigest));
        Assert.That(error.Actual, Is.Not.EqualTo(FixtureStore.Amd64LayerDigest).And.StartsWith("sha256:"));
        Assert.That(error.Message, Does.Contain(error.Expected).And.Contain(error.Actual));
        Assert.That(await _destination.ReadTagAsync("mirror/alpine", "latest", None), Is.Null);
        Assert.That(await _destination.HeadBlobAsync(Digest.Parse(FixtureStore.Amd64LayerDigest), None), Is.Null, "corrupt bytes must never be stored");
        Assert.That(await VerifiedBlobsAsync(), Has.No.Member(FixtureStore.Amd64LayerDigest));
    }

    [Test]
    public async Task ASourceReturningTheWrongManifestFailsWithADigestMismatch()
    {
        var source = new TamperingImageSource(FixtureSource());
        var arm64 = ManifestBlob.Parse(await File.ReadAllBytesAsync(Path.Combine(_fixtureRoot, "blobs", "sha256", FixtureStore.Arm64ManifestDigest[7..])), "arm64");
        source.SubstituteManifests[FixtureStore.Amd64ManifestDigest] = arm64;

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => TransferAsync(source, Destination(), new TransferOptions { Platform = Amd64 }));

        Assert.That(error!.Expected, Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(error.Actual, Is.EqualTo(FixtureStore.Arm64ManifestDigest));
        Assert.That(TempDir.FilesUnder(_destinationRoot), Is.Empty);
    }

    [Test]
    public async Task ATagCreatedByAnotherPushDuringTheTransferIsNotOverwritten()
    {
        var other = new ImageBucket(new LocalObjectStore(_destinationRoot));
        var theirs = await new ImageBuilder(other).PutImageAsync("linux", "riscv64", null, seed: 3);
        var observer = new RacingObserver(() => other.WriteTagAsync("mirror/alpine", "latest", theirs, WriteCondition.None, None));

        var error = Assert.ThrowsAsync<S3loException>(() =>
            TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = Amd64, Observer = observer }));

        Assert.That(observer.Fired, Is.True);
        Assert.That(error!.Message, Does.Contain("was changed by another push"));
        Assert.That(error.Message, Does.Contain("mirror/alpine:latest"));
        Assert.That((await _destination.ReadTagAsync("mirror/alpine", "latest", None))!.Manifest.Digest, Is.EqualTo(theirs.Digest));
    }

    [Test]
    public async Task ATagChangedBetweenPrepareAndCommitIsNotOverwritten()
    {
        var source = FixtureSource();
        await TransferAsync(source, Destination(), new TransferOptions { Platform = Amd64 });
        var root = await source.GetManifestAsync(new Descriptor { Digest = FixtureStore.Arm64ManifestDigest, MediaType = MediaTypes.OciManifest }, None);
        var destination = Destination();
        await destination.PrepareAsync(new TransferPlan(root, [], []), None);

        var other = new ImageBucket(new LocalObjectStore(_destinationRoot));
        var theirs = await new ImageBuilder(other).PutImageAsync("linux", "s390x", null, seed: 4);
        await other.WriteTagAsync("mirror/alpine", "latest", theirs, WriteCondition.None, None);

        var error = Assert.ThrowsAsync<S3loException>(() => destination.CommitAsync(root, None));

        Assert.That(error!.Message, Does.Contain("was changed by another push"));
        Assert.That((await _destination.ReadTagAsync("mirror/alpine", "latest", None))!.Manifest.Digest, Is.EqualTo(theirs.Digest));
        Assert.That(await _destination.ReadHistoryAsync("mirror/alpine", "latest", None), Has.Count.EqualTo(1), "the lost commit adds no history");
    }

    [Test]
    public async Task OverwritingATagWithAnotherImageRecordsThePreviousDigestAndHistory()
    {
        await TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = Amd64 });

        var report = await TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = PlatformSpec.Parse("linux/arm/v7") });

        Assert.That(report.Commit.Unchanged, Is.False);
        Assert.That(report.Commit.PreviousDigest?.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        var history = await _destination.ReadHistoryAsync("mirror/alpine", "latest", None);
        Assert.That(history.Select(h => h.Digest), Is.EqualTo(new[] { report.Digest.ToString(), FixtureStore.Amd64ManifestDigest }));
        Assert.That(report.Platforms, Is.EqualTo(new[] { "linux/arm/v7" }));
    }

    [Test]
    public async Task ACorruptBlobOfTheWrongSizeInTheDestinationIsReplaced()
    {
        // HasBlobAsync calls a wrong-size blob absent "so it is rewritten": the transfer must leave good bytes.
        var config = BucketLayout.BlobKey(Digest.Parse(FixtureStore.Amd64ConfigDigest));
        await _destination.Store.PutAsync(config, new MemoryStream("truncated"u8.ToArray()), 9, PutOptions.Blob, None);

        await TransferAsync(FixtureSource(), Destination(), new TransferOptions { Platform = Amd64 });

        Assert.That(Sha.OfFile(Path.Combine(_destinationRoot, "blobs", "sha256", FixtureStore.Amd64ConfigDigest[7..])),
            Is.EqualTo(FixtureStore.Amd64ConfigDigest), "the tag must not point at a corrupt config");
    }

    [Test]
    public async Task ASourceByDigestFindsPlatformManifestsAndTagRoots()
    {
        var byManifest = new BucketImageSource(_source, "alpine", null, Digest.Parse(FixtureStore.Amd64ManifestDigest));
        var byIndex = new BucketImageSource(_source, "alpine", null, Digest.Parse(FixtureStore.IndexDigest));

        var report = await TransferAsync(byManifest, Destination("pinned/alpine", "amd64"));
        var index = await byIndex.GetRootAsync(None);

        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(report.Platforms, Is.EqualTo(new[] { "linux/amd64" }), "a single manifest's platform comes from its config");
        Assert.That(index.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(async () => await new BucketImageSource(_source, "alpine", null, Digest.Compute([0])).GetRootAsync(None),
            Throws.TypeOf<NotFoundException>());
    }

    [Test]
    public void AMissingSourceTagThrowsNotFound()
    {
        Assert.That(async () => await TransferAsync(new BucketImageSource(_source, "alpine", "nope", null), Destination()),
            Throws.TypeOf<NotFoundException>().With.Message.Contains("alpine:nope"));
        Assert.That(TempDir.FilesUnder(_destinationRoot), Is.Empty);
    }

    [Test]
    public async Task AnExplicitPlatformThatASingleArchSourceLacksIsAnError()
    {
        await TransferAsync(FixtureSource(), Destination("single/alpine", "amd64"), new TransferOptions { Platform = Amd64 });
        var single = new BucketImageSource(_destination, "single/alpine", "amd64", null);
        var arm64 = PlatformSpec.Parse("linux/arm64");

        var error = Assert.ThrowsAsync<S3loException>(() =>
            TransferAsync(single, Destination("other/alpine", "x"), new TransferOptions { Platform = arm64, PlatformIsExplicit = true }));
        Assert.That(error!.Message, Does.Contain("single-platform image for linux/amd64, not linux/arm64"));
        Assert.That(error.Hint, Does.Contain("linux/amd64"));

        var observer = new RecordingObserver();
        var report = await TransferAsync(single, Destination("other/alpine", "y"), new TransferOptions { Platform = arm64, Observer = observer });
        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(observer.Messages, Has.Some.Contains("warning"));
    }

    [Test]
    public async Task AManifestWithNullLayersFailsAsAnInvalidManifestNotACrash()
    {
        var sourceBucket = new ImageBucket(new LocalObjectStore(_temp.Sub("source")));
        var config = await new ImageBuilder(sourceBucket).PutBlobAsync("""{"architecture":"amd64","os":"linux"}"""u8.ToArray(), MediaTypes.OciConfig);
        var bytes = System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","config":{"mediaType":"{{{config.MediaType}}}","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},"layers":null}""");
        // Written raw: the product refuses to build such a manifest, so it can only come from outside.
        await sourceBucket.Store.PutAsync(BucketLayout.ManifestKey("bad", "v1"), new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None);

        Assert.That(async () => await TransferAsync(new BucketImageSource(sourceBucket, "bad", "v1", null), Destination()),
            Throws.InstanceOf<S3loException>());
        Assert.That(await _destination.ReadTagAsync("mirror/alpine", "latest", None), Is.Null);
    }

    private sealed class RecordingObserver : ITransferObserver
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Started { get; } = [];
        public System.Collections.Concurrent.ConcurrentBag<string> Skipped { get; } = [];
        public System.Collections.Concurrent.ConcurrentBag<string> Messages { get; } = [];
        public void BlobStarted(Descriptor blob) => Started.Add(blob.Digest);
        public void BlobSkipped(Descriptor blob) => Skipped.Add(blob.Digest);
        public void Message(string text) => Messages.Add(text);
    }

    /// <summary>Runs another writer's push once, when the first blob starts: after PrepareAsync, before CommitAsync.</summary>
    private sealed class RacingObserver(Func<Task> race) : ITransferObserver
    {
        private int _fired;
        public bool Fired => _fired == 1;

        public void BlobStarted(Descriptor blob)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0) race().GetAwaiter().GetResult();
        }
    }
}
