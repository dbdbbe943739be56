using S3lo.Core.Digests;
using S3lo.Core.Archives;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Docker.Archives;
using S3lo.Docker.Tests.Support;

namespace S3lo.Docker.Tests.Archives.Daemon;

/// <summary>docker-archive: against the real daemon: what <c>docker save</c> writes is read, what s3lo writes <c>docker load</c> takes.</summary>
public sealed class DockerArchiveDaemonTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly List<string> _cleanup = [];
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("docker");

    [TearDown]
    public void TearDown()
    {
        DockerCli.RemoveImage(_cleanup.ToArray());
        _dir.Dispose();
    }

    private static async Task<TransferReport> CopyAsync(IImageSource source, IImageDestination destination)
    {
        await using (source)
        await using (destination)
            return await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), None);
    }

    [Test]
    public async Task DockerSaveToOciLayoutToDockerArchiveLoadsWithTheSameImageId()
    {
        var name = TestImages.Build("archive-save", copyLayers: 2);
        _cleanup.Add(name);
        var imageId = Digest.Parse(DockerCli.ImageId(name));
        var diffIds = DockerCli.DiffIds(name);
        var saved = _dir.File("saved.tar");
        DockerCli.MustRun("save", "-o", saved, name);

        // docker save → oci:DIR — the config digest is the image ID, the layers are the diff IDs.
        var layout = _dir.File("layout");
        await using (var source = new DockerArchiveSource(saved, name))
        {
            var root = await source.GetRootAsync(None);
            Assert.That(root.Manifest!.Config.Digest, Is.EqualTo(imageId.ToString()));
            Assert.That(root.Manifest.Layers.Select(l => l.Digest), Is.EqualTo(diffIds));
            Assert.That(root.Manifest.Layers.Select(l => l.MediaType), Has.All.EqualTo(MediaTypes.OciLayer));
            Assert.That(source.RepoTags, Is.EqualTo(new[] { name }));
            await using var destination = new OciLayoutDestination(layout, "v1");
            await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), None);
        }

        // oci:DIR → docker-archive:FILE:NAME:TAG → docker load, with the original gone from the daemon.
        var loadedName = TestImages.NewName("archive-loaded");
        _cleanup.Add(loadedName);
        var archive = _dir.File("for-load.tar");
        await CopyAsync(new OciLayoutSource(layout, "v1"), new DockerArchiveDestination(archive, loadedName));
        DockerCli.MustRun("rmi", name);
        Assert.That(DockerCli.ImageExists(imageId.ToString()), Is.False, "the daemon no longer has the image");

        var output = DockerCli.MustRun("load", "-i", archive).Stdout;

        Assert.That(output, Does.Contain(loadedName));
        Assert.That(Digest.Parse(DockerCli.ImageId(loadedName)), Is.EqualTo(imageId));
        Assert.That(DockerCli.DiffIds(loadedName), Is.EqualTo(diffIds));
    }

    [Test]
    public async Task ZstdLayersAreDecompressedSoDocker2010LoadsThem()
    {
        var saved = SavedImage.BuildAndRemove("archive-zstd", copyLayers: 1);
        _cleanup.Add(saved.ConfigDigest.ToString());
        var plan = new PlanBuilder(saved, i => i == 0 ? "gzip" : "zstd");
        var loadedName = TestImages.NewName("archive-zstd-loaded");
        _cleanup.Add(loadedName);
        var archive = _dir.File("zstd.tar");

        await CopyAsync(new MemoryImageSource(plan.Root, plan.OpenRaw), new DockerArchiveDestination(archive, loadedName));
        DockerCli.MustRun("load", "-i", archive);

        Assert.That(Digest.Parse(DockerCli.ImageId(loadedName)), Is.EqualTo(saved.ConfigDigest));
        Assert.That(DockerCli.DiffIds(loadedName), Is.EqualTo(saved.DiffIds.Select(d => d.ToString())));
    }

    [Test]
    public async Task AnUntaggedArchiveLoadsByImageId()
    {
        var saved = SavedImage.BuildAndRemove("archive-untagged", copyLayers: 1);
        _cleanup.Add(saved.ConfigDigest.ToString());
        var plan = new PlanBuilder(saved, _ => "gzip");
        var archive = _dir.File("untagged.tar");

        await CopyAsync(new MemoryImageSource(plan.Root, plan.OpenRaw), new DockerArchiveDestination(archive, null));
        var output = DockerCli.MustRun("load", "-i", archive).Stdout;

        Assert.That(output, Does.Contain(saved.ConfigDigest.ToString()));
        Assert.That(DockerCli.ImageExists(saved.ConfigDigest.ToString()), Is.True);
    }
}
