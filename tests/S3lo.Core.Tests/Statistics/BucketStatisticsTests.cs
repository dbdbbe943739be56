using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Oci;
using S3lo.Core.Statistics;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;
using S3lo.Tests.Shared;

namespace S3lo.Core.Tests.Statistics;

/// <summary>
/// Stats on a local store the test writes: two images sharing a base layer (one tagged twice), a two-platform
/// index on the same base, an orphan blob. Every expected number is summed from the bytes written here.
/// </summary>
public class BucketStatisticsTests
{
    private TempDir _temp = null!;
    private LocalObjectStore _store = null!;
    private ImageBucket _bucket = null!;
    private ImageBuilder _builder = null!;
    private readonly List<(string Name, long Size)> _stored = [];

    [SetUp]
    public void CreateStore()
    {
        _temp = new TempDir("stats");
        _store = new LocalObjectStore(_temp.Sub("store"));
        _bucket = new ImageBucket(_store);
        _builder = new ImageBuilder(_bucket);
        _stored.Clear();
    }

    [TearDown]
    public async Task DeleteStore()
    {
        await _bucket.DisposeAsync();
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task StatsCountsLogicalStoredSavingsOrphansAndRanksLayers()
    {
        var @base = await Blob("base", 5000, 1, MediaTypes.OciLayerGzip);
        var app1Layer = await Blob("app1", 3000, 2, MediaTypes.OciLayerGzip);
        var app2Layer = await Blob("app2", 2000, 3, MediaTypes.OciLayerGzip);
        var amdLayer = await Blob("amd", 4000, 4, MediaTypes.OciLayerGzip);
        var armLayer = await Blob("arm", 1000, 5, MediaTypes.OciLayerGzip);
        var orphan = await Blob("orphan", 700, 6, MediaTypes.OciLayerGzip);
        var app1 = Manifest(await Config("app1"), @base, app1Layer);
        var app2 = Manifest(await Config("app2"), @base, app2Layer);
        var amd = Manifest(await Config("amd"), @base, amdLayer);
        var arm = Manifest(await Config("arm"), armLayer);
        await ManifestBlobAsync(app2); // as a copy stores it
        await ManifestBlobAsync(amd);
        await ManifestBlobAsync(arm);
        var index = ImageBuilder.Index(ImageBuilder.Entry(amd, "linux", "amd64"), ImageBuilder.Entry(arm, "linux", "arm64", "v8"));
        await _builder.TagAsync("app1", "v1", app1);
        await _builder.TagAsync("app1", "v2", app1);
        await _builder.TagAsync("org/app2", "latest", app2);
        await _builder.TagAsync("multi", "1", index);

        var report = await new BucketStatistics(_bucket, 4).ComputeAsync(CancellationToken.None);

        long app1Image = app1.Size + Size("config-app1") + @base.Size + app1Layer.Size;
        long app2Image = app2.Size + Size("config-app2") + @base.Size + app2Layer.Size;
        long multiImage = index.Size + amd.Size + Size("config-amd") + @base.Size + amdLayer.Size + arm.Size + Size("config-arm") + armLayer.Size;
        var logical = 2 * app1Image + app2Image + multiImage;
        var stored = _stored.Sum(b => b.Size);
        Assert.Multiple(() =>
        {
            Assert.That(report.Images, Is.EqualTo(3));
            Assert.That(report.Tags, Is.EqualTo(4));
            Assert.That(report.Blobs, Is.EqualTo(_stored.Count));
            Assert.That(report.ReferencedBlobs, Is.EqualTo(_stored.Count - 1));
            Assert.That(report.MissingBlobs, Is.EqualTo(0));
            Assert.That(report.LogicalBytes, Is.EqualTo(logical));
            Assert.That(report.StoredBytes, Is.EqualTo(stored));
            Assert.That(report.MetadataBytes, Is.EqualTo(2 * app1.Size + app2.Size + index.Size));
            Assert.That(report.DedupSavings, Is.EqualTo(1 - (double)stored / logical).Within(1e-12));
            Assert.That(report.UnreferencedBlobs, Is.EqualTo(1));
            Assert.That(report.UnreferencedBytes, Is.EqualTo(orphan.Size));
            Assert.That(report.StorageClasses, Is.Empty, "a local store reports no storage class");
            Assert.That(report.Warnings, Is.Empty);
            Assert.That(report.MostSharedLayers.Select(l => (l.Digest, l.Images, l.Tags)), Is.EqualTo(new[]
            {
                (@base.Digest, 3, 4), (app1Layer.Digest, 1, 2), (amdLayer.Digest, 1, 1), (app2Layer.Digest, 1, 1), (armLayer.Digest, 1, 1),
            }));
            Assert.That(report.LargestLayers.Select(l => (l.Digest, l.Size)), Is.EqualTo(new[]
            {
                (@base.Digest, 5000L), (amdLayer.Digest, 4000L), (app1Layer.Digest, 3000L), (app2Layer.Digest, 2000L), (armLayer.Digest, 1000L),
            }));
        });
    }

    [Test]
    public async Task ABlobATagNamesButTheBucketLacksIsMissingAndCountedAtItsDeclaredSize()
    {
        var layer = await Blob("layer", 3000, 1, MediaTypes.OciLayerGzip);
        var gone = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = S3lo.Core.Digests.Digest.Compute(Bytes.Random(1234, 9)).ToString(), Size = 1234 };
        var manifest = Manifest(await Config("c"), layer, gone);
        await _builder.TagAsync("broken", "1", manifest);

        var report = await new BucketStatistics(_bucket, 2).ComputeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(report.MissingBlobs, Is.EqualTo(1));
            Assert.That(report.Blobs, Is.EqualTo(2));
            Assert.That(report.ReferencedBlobs, Is.EqualTo(2));
            Assert.That(report.LogicalBytes, Is.EqualTo(manifest.Size + Size("config-c") + 3000 + 1234));
            Assert.That(report.StoredBytes, Is.EqualTo(Size("config-c") + 3000));
        });
    }

    private async Task<Descriptor> Blob(string name, int size, int seed, string mediaType)
    {
        var descriptor = await _builder.PutBlobAsync(Bytes.Random(size, seed), mediaType);
        _stored.Add((name, size));
        return descriptor;
    }

    private async Task<Descriptor> Config(string name)
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"name\":\"{name}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        var descriptor = await _builder.PutBlobAsync(bytes, MediaTypes.OciConfig);
        _stored.Add(("config-" + name, bytes.Length));
        return descriptor;
    }

    private async Task ManifestBlobAsync(ManifestBlob manifest)
    {
        await _builder.PutManifestBlobAsync(manifest);
        _stored.Add(("manifest-" + manifest.Digest.Hex, manifest.Size));
    }

    private long Size(string name) => _stored.Single(b => b.Name == name).Size;

    private static ManifestBlob Manifest(Descriptor config, params Descriptor[] layers) => ManifestBlob.FromManifest(new ImageManifest
    {
        SchemaVersion = 2,
        MediaType = MediaTypes.OciManifest,
        Config = config,
        Layers = layers,
    });
}
