using S3lo.Core.Bucket;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Core.Inspection;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Inspection;

[TestFixture]
public class ImageInspectorTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _root = null!;
    private ImageBucket _bucket = null!;

    [OneTimeSetUp]
    public void CopyFixture()
    {
        _temp = new TempDir("inspect");
        _root = FixtureStore.CopyTo(_temp.Sub("store"));
        _bucket = new ImageBucket(new LocalObjectStore(_root));
    }

    [OneTimeTearDown]
    public async Task Cleanup()
    {
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task TheFixtureHasEightPlatformsAndEightAttestations()
    {
        var details = await ImageInspector.InspectAsync(new BucketImageSource(_bucket, "alpine", "latest", null), "alpine:latest", None);

        Assert.That(details.Reference, Is.EqualTo("alpine:latest"));
        Assert.That(details.Digest, Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(details.MediaType, Is.EqualTo(MediaTypes.OciIndex));
        Assert.That(details.Type, Is.EqualTo("index"));
        Assert.That(details.ManifestSize, Is.EqualTo(new FileInfo(FixtureStore.ManifestPath).Length));
        Assert.That(details.Platforms.Select(p => p.Platform), Is.EqualTo(new[]
        {
            "linux/amd64", "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8", "linux/386", "linux/ppc64le", "linux/riscv64", "linux/s390x",
        }));
        Assert.That(details.Attestations, Has.Count.EqualTo(8));
        Assert.That(details.Attestations.Select(a => a.For), Is.EquivalentTo(details.Platforms.Select(p => p.Digest)));
        Assert.That(details.Platforms.Select(p => p.ConfigMissing), Has.All.False, "every config is present, even arm64's");
    }

    [Test]
    public async Task TheAmd64PlatformIsDescribedFromItsConfig()
    {
        var details = await ImageInspector.InspectAsync(new BucketImageSource(_bucket, "alpine", "latest", null), "alpine:latest", None);

        var amd64 = details.Platforms.Single(p => p.Platform == "linux/amd64");
        Assert.That(amd64.Digest, Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(amd64.ConfigMissing, Is.False);
        Assert.That(amd64.ConfigDigest, Is.EqualTo(FixtureStore.Amd64ConfigDigest));
        Assert.That(amd64.Os, Is.EqualTo("linux"));
        Assert.That(amd64.Architecture, Is.EqualTo("amd64"));
        Assert.That(amd64.Created, Is.Not.Null);
        Assert.That(amd64.Layers, Is.EqualTo(new[] { new LayerDetails(FixtureStore.Amd64LayerDigest, 3861821, MediaTypes.OciLayerGzip) }));
        Assert.That(amd64.TotalSize, Is.EqualTo(611 + 3861821));
    }

    [Test]
    public async Task AMissingConfigIsFlaggedNotFatal()
    {
        using var temp = new TempDir("inspect-missing");
        var root = FixtureStore.CopyTo(temp.Sub("store"));
        File.Delete(Path.Combine(root, "blobs", "sha256", FixtureStore.Amd64ConfigDigest[7..]));
        await using var bucket = new ImageBucket(new LocalObjectStore(root));

        var details = await ImageInspector.InspectAsync(new BucketImageSource(bucket, "alpine", "latest", null), "alpine:latest", None);

        var amd64 = details.Platforms.Single(p => p.Digest == FixtureStore.Amd64ManifestDigest);
        Assert.That(amd64.ConfigMissing, Is.True);
        Assert.That(amd64.Platform, Is.EqualTo("linux/amd64"), "the index still names the platform");
        Assert.That(amd64.Created, Is.Null);
    }

    [Test]
    public async Task ASingleArchImageTakesItsPlatformFromItsConfig()
    {
        using var temp = new TempDir("inspect-single");
        await using var destination = new ImageBucket(new LocalObjectStore(temp.Sub("dest")));
        await new TransferEngine().TransferAsync(new BucketImageSource(_bucket, "alpine", "latest", null),
            new BucketImageDestination(destination, "one", "amd64", TimeProvider.System),
            new TransferOptions { Platform = PlatformSpec.Parse("linux/amd64") }, None);

        var details = await ImageInspector.InspectAsync(new BucketImageSource(destination, "one", "amd64", null), "one:amd64", None);

        Assert.That(details.Type, Is.EqualTo("single-arch"));
        Assert.That(details.Digest, Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(details.Attestations, Is.Empty);
        Assert.That(details.Platforms.Single().Platform, Is.EqualTo("linux/amd64"));
        Assert.That(details.Platforms.Single().ConfigMissing, Is.False);
    }
}
