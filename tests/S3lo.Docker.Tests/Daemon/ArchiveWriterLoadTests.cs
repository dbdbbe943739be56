using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Daemon;

/// <summary>DockerArchiveWriter output loaded by the real daemon.</summary>
public sealed class ArchiveWriterLoadTests
{
    private readonly List<string> _cleanup = [];
    private DockerClient _client = null!;

    [SetUp]
    public void Connect() => _client = new DockerClient();

    [TearDown]
    public void Clean()
    {
        DockerCli.RemoveImage(_cleanup.ToArray());
        _client.Dispose();
    }

    [Test]
    public async Task GzipLayersWrittenByTheWriterLoadAsTheOriginalImage()
    {
        var saved = SavedImage.BuildAndRemove("writer", copyLayers: 2);
        Assert.That(DockerCli.ImageExists(saved.ConfigDigest.ToString()), Is.False, "the daemon no longer has the image");
        var name = TestImages.NewName("written");
        _cleanup.Add(name);
        _cleanup.Add(saved.ConfigDigest.ToString());

        using var archive = new MemoryStream();
        var writer = new DockerArchiveWriter(archive);
        await writer.WriteConfigAsync(saved.Config, CancellationToken.None);
        foreach (var layer in saved.Layers)
        {
            var gzip = Compress.Gzip(layer);
            await writer.WriteLayerAsync(Digest.Compute(gzip), new MemoryStream(gzip), gzip.Length, CancellationToken.None);
        }
        await writer.WriteManifestAsync(name, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        archive.Position = 0;

        var result = await _client.LoadImageAsync(new NonSeekableStream(archive), CancellationToken.None);

        Assert.That(result.Names, Is.EqualTo(new[] { name }));
        Assert.That(Digest.Parse(DockerCli.ImageId(name)), Is.EqualTo(saved.ConfigDigest));
        Assert.That(DockerCli.DiffIds(name), Is.EqualTo(saved.DiffIds.Select(d => d.ToString())));
    }

    [Test]
    public async Task AnUntaggedArchiveLoadsAndReportsTheImageId()
    {
        var saved = SavedImage.BuildAndRemove("untagged", copyLayers: 1);
        _cleanup.Add(saved.ConfigDigest.ToString());

        using var archive = new MemoryStream();
        var writer = new DockerArchiveWriter(archive);
        await writer.WriteConfigAsync(saved.Config, CancellationToken.None);
        foreach (var (layer, diffId) in saved.Layers.Zip(saved.DiffIds))
            await writer.WriteLayerAsync(diffId, new MemoryStream(layer), layer.Length, CancellationToken.None);
        await writer.WriteManifestAsync(null, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        archive.Position = 0;

        var result = await _client.LoadImageAsync(archive, CancellationToken.None);

        Assert.That(result.ImageIds, Is.EqualTo(new[] { saved.ConfigDigest }));
        Assert.That(result.Names, Is.Empty);
    }

    [Test]
    public async Task ALayerWhoseContentDoesNotMatchItsDiffIdIsRefusedByTheDaemon()
    {
        var saved = SavedImage.BuildAndRemove("wrongdiff", copyLayers: 1);
        using var archive = new MemoryStream();
        var writer = new DockerArchiveWriter(archive);
        await writer.WriteConfigAsync(saved.Config, CancellationToken.None);
        // Layers swapped: each tar is valid, but not the one the config names.
        await writer.WriteLayerAsync(saved.DiffIds[1], new MemoryStream(saved.Layers[1]), saved.Layers[1].Length, CancellationToken.None);
        await writer.WriteLayerAsync(saved.DiffIds[0], new MemoryStream(saved.Layers[0]), saved.Layers[0].Length, CancellationToken.None);
        await writer.WriteManifestAsync(null, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        archive.Position = 0;

        var e = Assert.ThrowsAsync<S3loException>(() => _client.LoadImageAsync(archive, CancellationToken.None));

        Assert.That(e!.Message, Does.StartWith("the Docker daemon could not load the image:"));
        Assert.That(DockerCli.ImageExists(saved.ConfigDigest.ToString()), Is.False);
    }
}
