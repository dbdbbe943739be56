using System.Text.Json.Nodes;
using S3lo.Core.Archives;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Archives;

/// <summary>What s3lo writes to oci: and oci-archive: is what skopeo reads, and the other way round, with the same digests.</summary>
[TestFixture]
public class SkopeoInteropTests() : ArchiveFixture("skopeo")
{
    private ManifestBlob _index = null!;

    [OneTimeSetUp]
    public void SkopeoIsThere()
    {
        if (!File.Exists(Skopeo.Path)) Assert.Fail($"these tests need skopeo at {Skopeo.Path} (eng/services.sh install docker)");
    }

    [SetUp]
    public async Task SetUp()
    {
        _index = await LayoutTestImages.PutMultiArchAsync(Bucket, "app", "v1", "skopeo-" + Guid.NewGuid().ToString("N"));
    }

    private async Task<string> S3loLayoutAsync(string tag)
    {
        var layout = PathIn("s3lo-layout");
        await CopyAsync(new BucketImageSource(Bucket, "app", "v1", null), new OciLayoutDestination(layout, tag));
        return layout;
    }

    [Test]
    public async Task SkopeoReadsAnOciDirWrittenByS3lo()
    {
        var layout = await S3loLayoutAsync("v1");

        Assert.That(Skopeo.RawDigest($"oci:{layout}:v1"), Is.EqualTo(_index.Digest.ToString()));
        var inspect = JsonNode.Parse(Skopeo.Run("inspect", "--override-os", "linux", "--override-arch", "arm64", $"oci:{layout}:v1"))!;
        Assert.That(inspect["Architecture"]!.GetValue<string>(), Is.EqualTo("arm64"));
        Assert.That(inspect["Layers"]!.AsArray().Select(l => l!.GetValue<string>()), Is.EqualTo(ArmLayers()));

        // skopeo copies it whole, digests preserved.
        var copy = PathIn("skopeo-copy");
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci:{copy}:v1");
        Assert.That(Skopeo.RawDigest($"oci:{copy}:v1"), Is.EqualTo(_index.Digest.ToString()));
    }

    [Test]
    public async Task SkopeoReadsAnOciArchiveWrittenByS3lo()
    {
        var archive = PathIn("s3lo.tar");
        await CopyAsync(new BucketImageSource(Bucket, "app", "v1", null), new OciArchiveDestination(archive, "v1"));

        Assert.That(Skopeo.RawDigest($"oci-archive:{archive}:v1"), Is.EqualTo(_index.Digest.ToString()));
        var other = PathIn("other");
        Skopeo.Run("copy", "--all", $"oci-archive:{archive}:v1", $"oci:{other}:v1");
        Assert.That(Skopeo.RawDigest($"oci:{other}:v1"), Is.EqualTo(_index.Digest.ToString()));
        foreach (var child in _index.Index!.Manifests)
            Assert.That(File.Exists(Path.Combine(other, "blobs", "sha256", child.Digest[7..])), Is.True);
    }

    [Test]
    public async Task S3loReadsWhatSkopeoWritesToOciArchiveAndOciDirs()
    {
        var layout = await S3loLayoutAsync("v1");
        var tagged = PathIn("skopeo-tagged.tar");
        var untagged = PathIn("skopeo-untagged.tar");
        var directory = PathIn("skopeo-dir");
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci-archive:{tagged}:t1");
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci-archive:{untagged}");
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci:{directory}:t2");
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci:{directory}:t3");

        var fromTagged = await CopyAsync(new OciArchiveSource(tagged, "t1"), new BucketImageDestination(Bucket, "back", "tagged", TimeProvider.System));
        var fromUntagged = await CopyAsync(new OciArchiveSource(untagged, null), new BucketImageDestination(Bucket, "back", "untagged", TimeProvider.System));
        var fromDirectory = await CopyAsync(new OciLayoutSource(directory, "t3"), new BucketImageDestination(Bucket, "back", "dir", TimeProvider.System));

        Assert.That(new[] { fromTagged.Digest, fromUntagged.Digest, fromDirectory.Digest }, Has.All.EqualTo(_index.Digest));
        Assert.That(fromTagged.Platforms, Is.EquivalentTo(new[] { "linux/amd64", "linux/arm64/v8" }));
        foreach (var tag in new[] { "tagged", "untagged", "dir" })
            Assert.That((await Bucket.ReadTagAsync("back", tag, None))!.Manifest.Bytes, Is.EqualTo(_index.Bytes), tag);
    }

    [Test]
    public async Task S3loAddsATagToALayoutSkopeoWroteAndSkopeoStillReadsBoth()
    {
        var layout = await S3loLayoutAsync("v1");
        var shared = PathIn("shared");
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci:{shared}:from-skopeo");
        await CopyAsync(new BucketImageSource(Bucket, "app", "v1", null), new OciLayoutDestination(shared, "from-s3lo"));

        Assert.That(Skopeo.RawDigest($"oci:{shared}:from-skopeo"), Is.EqualTo(_index.Digest.ToString()));
        Assert.That(Skopeo.RawDigest($"oci:{shared}:from-s3lo"), Is.EqualTo(_index.Digest.ToString()));
        // skopeo writing a third tag keeps s3lo's entry.
        Skopeo.Run("copy", "--all", $"oci:{layout}:v1", $"oci:{shared}:third");
        await using var source = new OciLayoutSource(shared, "from-s3lo");
        Assert.That((await source.GetRootAsync(None)).Digest, Is.EqualTo(_index.Digest));
    }

    private List<string> ArmLayers()
    {
        var arm = _index.Index!.Manifests[1];
        var bytes = Bucket.ReadAllAsync(BucketLayout.BlobKey(Digest.Parse(arm.Digest)), None).GetAwaiter().GetResult();
        return ManifestBlob.Parse(bytes, "arm64 manifest").Manifest!.Layers.Select(l => l.Digest).ToList();
    }
}
