using S3lo.Core.Archives;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.Archives;
using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Archives;

/// <summary>docker-archive: as source and destination on archives made in memory (the daemon tests are under Daemon/).</summary>
public sealed class DockerArchiveEndpointTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("docker");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static async Task<TransferReport> CopyAsync(IImageSource source, IImageDestination destination, PlatformSpec? platform = null)
    {
        await using (source)
        await using (destination)
            return await new TransferEngine().TransferAsync(source, destination, new TransferOptions { Platform = platform }, None);
    }

    [Test]
    public async Task PlainGzipAndZstdLayersMakeAClassicArchiveWithZstdDecompressed()
    {
        var saved = SyntheticImages.Make("mixed");
        var plan = new PlanBuilder(saved, i => i switch { 0 => "none", 1 => "gzip", _ => "zstd" });
        var file = _dir.File("app.tar");

        var report = await CopyAsync(new MemoryImageSource(plan.Root, plan.OpenRaw), new DockerArchiveDestination(file, "example/app:v1"));

        Assert.That(report.Digest, Is.EqualTo(plan.Root.Digest));
        Assert.That(_dir.Files().Select(Path.GetFileName), Is.EqualTo(new[] { "app.tar" }), "no temp, spool or lock files left");
        var written = SavedImage.Parse(File.ReadAllBytes(file));
        Assert.That(written.Config, Is.EqualTo(saved.Config), "config byte-exact: the image ID");
        Assert.That(written.RepoTags, Is.EqualTo(new[] { "example/app:v1" }));
        Assert.That(written.Layers[0], Is.EqualTo(saved.Layers[0]));
        Assert.That(written.Layers[1], Is.EqualTo(Compress.Gzip(saved.Layers[1])), "gzip layers are loaded as they are");
        Assert.That(written.Layers[2], Is.EqualTo(saved.Layers[2]), "zstd layers are decompressed for Docker 20.10");

        // And read back as a source: the same config, the layers as OCI layers.
        await using var source = new DockerArchiveSource(file, "example/app:v1");
        var root = await source.GetRootAsync(None);
        Assert.That(root.Manifest!.Config.Digest, Is.EqualTo(saved.ConfigDigest.ToString()));
        Assert.That(root.Manifest.Config.MediaType, Is.EqualTo(MediaTypes.OciConfig));
        Assert.That(root.Manifest.Layers.Select(l => l.MediaType), Is.EqualTo(new[] { MediaTypes.OciLayer, MediaTypes.OciLayerGzip, MediaTypes.OciLayer }));
        Assert.That(root.Manifest.Layers[2].Digest, Is.EqualTo(saved.DiffIds[2].ToString()));
        Assert.That(source.RepoTags, Is.EqualTo(new[] { "example/app:v1" }));
    }

    [Test]
    public async Task ADockerArchiveGoesToAnOciLayoutAndBackKeepingTheImageId()
    {
        var saved = SyntheticImages.Make("roundtrip");
        var plan = new PlanBuilder(saved, _ => "none");
        var first = _dir.File("first.tar");
        await CopyAsync(new MemoryImageSource(plan.Root, plan.OpenRaw), new DockerArchiveDestination(first, null));

        var layout = _dir.File("layout");
        var toLayout = await CopyAsync(new DockerArchiveSource(first, null), new OciLayoutDestination(layout, "v1"));
        Assert.That(toLayout.Digest, Is.EqualTo(plan.Root.Digest), "uncompressed OCI layers: the same manifest a push without compression builds");

        var second = _dir.File("second.tar");
        await CopyAsync(new OciLayoutSource(layout, "v1"), new DockerArchiveDestination(second, "again:v2"));
        var written = SavedImage.Parse(File.ReadAllBytes(second));
        Assert.That(written.ConfigDigest, Is.EqualTo(saved.ConfigDigest));
        Assert.That(written.DiffIds, Is.EqualTo(saved.DiffIds));
        Assert.That(written.RepoTags, Is.EqualTo(new[] { "again:v2" }));
    }

    [Test]
    public async Task AnOciFlavouredDockerSaveIsReadWithTheSameConfigDigest()
    {
        var saved = SyntheticImages.Make("oci-flavour", layers: 2);
        var archive = OciLayoutArchive.FromSaved(saved, compress: "gzip");
        var file = _dir.File("docker25.tar");
        await File.WriteAllBytesAsync(file, archive.Archive);

        await using var source = new DockerArchiveSource(file, "example/oci:v1");
        var root = await source.GetRootAsync(None);
        Assert.That(root.Manifest!.Config.Digest, Is.EqualTo(saved.ConfigDigest.ToString()));
        Assert.That(root.Manifest.Layers.Select(l => l.Digest), Is.EqualTo(archive.LayerBlobs.Select(d => d.ToString())));
    }

    [Test]
    public async Task ANameTheArchiveDoesNotHoldIsAnErrorNamingWhatItHolds()
    {
        var saved = SyntheticImages.Make("names");
        var plan = new PlanBuilder(saved, _ => "none");
        var file = _dir.File("named.tar");
        await CopyAsync(new MemoryImageSource(plan.Root, plan.OpenRaw), new DockerArchiveDestination(file, "real/name:v1"));

        await using var source = new DockerArchiveSource(file, "other/name:v1");
        var error = Assert.ThrowsAsync<NotFoundException>(() => source.GetRootAsync(None));
        Assert.That(error!.Hint, Does.Contain("real/name:v1"));
        await using var missing = new DockerArchiveSource(_dir.File("missing.tar"), null);
        Assert.ThrowsAsync<NotFoundException>(() => missing.GetRootAsync(None));
    }

    [Test]
    public async Task AnIndexOfTwoPlatformsMustBeNarrowedWithPlatform()
    {
        var amd = new PlanBuilder(SyntheticImages.Make("amd"), _ => "gzip");
        var arm = new PlanBuilder(SyntheticImages.Make("arm"), _ => "gzip");
        var index = ManifestBlob.FromManifest(amd.Root.Manifest!); // any root: the plan is what counts
        var plan = new TransferPlan(index,
            [new PlannedImage(amd.Root, new Platform { Os = "linux", Architecture = "amd64" }, false),
             new PlannedImage(arm.Root, new Platform { Os = "linux", Architecture = "arm64" }, false)],
            [amd.Config, .. amd.Layers, arm.Config, .. arm.Layers]);
        var file = _dir.File("multi.tar");

        await using var destination = new DockerArchiveDestination(file, "multi:v1");
        var error = Assert.ThrowsAsync<S3loException>(() => destination.PrepareAsync(plan, None));
        Assert.That(error!.Message, Does.Contain("linux/amd64, linux/arm64"));
        Assert.That(error.Hint, Does.Contain("--platform"));
        Assert.That(_dir.Files(), Is.Empty);
    }

    [Test]
    public async Task ASecondTagJoinsTheArchiveAndAReusedTagMovesToTheNewImage()
    {
        var first = new PlanBuilder(SyntheticImages.Make("first"), _ => "gzip");
        var second = new PlanBuilder(SyntheticImages.Make("second"), _ => "none");
        var file = _dir.File("app.tar");

        await CopyAsync(new MemoryImageSource(first.Root, first.OpenRaw), new DockerArchiveDestination(file, "example/app:a"));
        await CopyAsync(new MemoryImageSource(second.Root, second.OpenRaw), new DockerArchiveDestination(file, "example/app:b"));
        var a = await RootOf(file, "example/app:a");
        var b = await RootOf(file, "example/app:b");
        await CopyAsync(new MemoryImageSource(second.Root, second.OpenRaw), new DockerArchiveDestination(file, "example/app:a"));
        var reused = await RootOf(file, "example/app:a");

        Assert.That(a.Manifest!.Config.Digest, Is.EqualTo(first.Root.Manifest!.Config.Digest));
        Assert.That(b.Manifest!.Config.Digest, Is.EqualTo(second.Root.Manifest!.Config.Digest));
        Assert.That(reused.Manifest!.Config.Digest, Is.EqualTo(second.Root.Manifest!.Config.Digest));
        Assert.That((await RootOf(file, "example/app:b")).Digest, Is.EqualTo(b.Digest), "the other tag is kept");
        Assert.That(ArchiveRepoTags(file).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "example/app:a", "example/app:b" }),
            "the first image lost its only name: it is dropped, not kept as a dangling image");
    }

    // One line per image in the archive's manifest.json: its RepoTags, sorted and space-separated.
    private static string[] ArchiveRepoTags(string file)
    {
        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(file));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') != "manifest.json") continue;
            using var manifest = System.Text.Json.JsonDocument.Parse(entry.DataStream!);
            return manifest.RootElement.EnumerateArray()
                .Select(e => e.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == System.Text.Json.JsonValueKind.Array
                    ? string.Join(' ', tags.EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal))
                    : "")
                .ToArray();
        }
        throw new AssertionException("no manifest.json in " + file);
    }

    private static async Task<ManifestBlob> RootOf(string file, string repoTag)
    {
        await using var source = new DockerArchiveSource(file, repoTag);
        return await source.GetRootAsync(None);
    }

    [Test]
    public async Task AFailedCopyLeavesNoFileAndAnOlderOneUntouched()
    {
        var saved = SyntheticImages.Make("fails");
        var plan = new PlanBuilder(saved, _ => "gzip");
        var file = _dir.File("out.tar");
        await File.WriteAllTextAsync(file, "older");
        var broken = plan.Layers[1];

        Assert.ThrowsAsync<IOException>(() => CopyAsync(
            new MemoryImageSource(plan.Root, d => d.Digest == broken.Digest ? new SourceStream(Bytes.ReadAll(plan.OpenRaw(d)), d.Size / 2) : plan.OpenRaw(d)),
            new DockerArchiveDestination(file, "x:y")));

        Assert.That(File.ReadAllText(file), Is.EqualTo("older"));
        Assert.That(_dir.Files().Select(Path.GetFileName), Is.EqualTo(new[] { "out.tar" }));
    }

    [Test]
    public async Task AttestationBlobsAreVerifiedButNotStored()
    {
        var image = new PlanBuilder(SyntheticImages.Make("main"), _ => "gzip");
        var attestation = new PlanBuilder(SyntheticImages.Make("attestation", layers: 1), _ => "none");
        var plan = new TransferPlan(image.Root,
            [new PlannedImage(image.Root, new Platform { Os = "linux", Architecture = "amd64" }, false),
             new PlannedImage(attestation.Root, new Platform { Os = "unknown", Architecture = "unknown" }, true)],
            [image.Config, .. image.Layers, attestation.Config, .. attestation.Layers]);
        var file = _dir.File("att.tar");
        await using (var destination = new DockerArchiveDestination(file, null))
        {
            await destination.PrepareAsync(plan, None);
            await Task.WhenAll(image.Layers.Append(image.Config).Select(d => image.PutAsync(destination, d))
                .Concat(attestation.Layers.Append(attestation.Config).Select(d => attestation.PutAsync(destination, d))));
            await destination.CommitAsync(image.Root, None);
        }
        var written = SavedImage.Parse(File.ReadAllBytes(file));
        Assert.That(written.Config, Is.EqualTo(SyntheticConfig(image)));
        Assert.That(written.Layers, Has.Count.EqualTo(3));
    }

    private static byte[] SyntheticConfig(PlanBuilder plan)
    {
        using var stream = plan.OpenRaw(plan.Config);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
