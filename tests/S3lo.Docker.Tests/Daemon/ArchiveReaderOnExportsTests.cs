using System.Collections.Concurrent;
using System.Formats.Tar;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Daemon;

/// <summary>DockerArchiveReader on what the daemon really writes, and on OCI layouts made from it.</summary>
public sealed class ArchiveReaderOnExportsTests
{
    private static string _image = "";
    private static SavedImage _saved = null!;
    private DockerClient _client = null!;
    private TempDir _spool = null!;

    [OneTimeSetUp]
    public void BuildImage()
    {
        _image = TestImages.Build("reader", copyLayers: 3, bigLayerBytes: 300 * 1024);
        _saved = SavedImage.Parse(TestImages.Save(_image));
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(_image);

    [SetUp]
    public void Connect()
    {
        _client = new DockerClient();
        _spool = new TempDir("docker");
    }

    [TearDown]
    public void Disconnect()
    {
        _client.Dispose();
        _spool.Dispose();
    }

    [Test]
    public async Task ARealExportReadsAsTheImageTheDaemonDescribes()
    {
        var reported = new ConcurrentBag<SpooledBlob>();
        var options = new DockerArchiveReadOptions
        {
            OnBlobSpooled = (blob, _) =>
            {
                reported.Add(blob);
                return Task.CompletedTask;
            },
        };

        DockerArchiveContents contents;
        await using (var export = await _client.ExportImageAsync(_image, null, CancellationToken.None))
            contents = await DockerArchiveReader.ReadAsync(export, _spool.Path, options, CancellationToken.None);

        Assert.That(contents.Format, Is.EqualTo(DockerArchiveFormat.DockerArchive));
        Assert.That(contents.ConfigDigest, Is.EqualTo(Digest.Parse(DockerCli.ImageId(_image))), "the config digest is the image ID");
        Assert.That(Digest.Compute(contents.ConfigBytes), Is.EqualTo(contents.ConfigDigest));
        Assert.That(contents.Layers.Select(l => l.DiffId.ToString()), Is.EqualTo(DockerCli.DiffIds(_image)));
        Assert.That(contents.RepoTags, Is.EqualTo(new[] { _image }));
        foreach (var layer in contents.Layers)
        {
            Assert.That(layer.SpoolPath, Is.Not.Null);
            Assert.That(Digest.Parse(Sha.OfFile(layer.SpoolPath!)), Is.EqualTo(layer.DiffId), "spooled bytes hash to the diff ID");
            Assert.That(layer.BlobDigest, Is.EqualTo(layer.DiffId));
            Assert.That(layer.MediaType, Is.EqualTo(MediaTypes.OciLayer));
            Assert.That(new FileInfo(layer.SpoolPath!).Length, Is.EqualTo(layer.Size));
        }
        Assert.That(reported.Select(b => b.Path), Is.EquivalentTo(contents.Layers.Select(l => l.SpoolPath)), "each layer reported once");
        Assert.That(_spool.Files(), Is.EquivalentTo(contents.Layers.Select(l => l.SpoolPath)), "nothing but layers left in the spool directory");
    }

    [Test]
    public async Task ALayerThatOccursTwiceIsSavedAsASymlinkAndReadThroughIt()
    {
        // Load an image whose first layer is also its third: docker save then writes a symlink for it.
        var config = WithDiffIds(_saved.Config, [_saved.DiffIds[0], _saved.DiffIds[1], _saved.DiffIds[0]]);
        var repository = TestImages.NewName("dup").Split(':')[0];
        using var archive = new MemoryStream();
        var writer = new DockerArchiveWriter(archive);
        await writer.WriteConfigAsync(config, CancellationToken.None);
        await writer.WriteLayerAsync(_saved.DiffIds[0], new MemoryStream(_saved.Layers[0]), _saved.Layers[0].Length, CancellationToken.None);
        await writer.WriteLayerAsync(_saved.DiffIds[1], new MemoryStream(_saved.Layers[1]), _saved.Layers[1].Length, CancellationToken.None);
        await writer.WriteManifestAsync($"{repository}:t", [_saved.DiffIds[0], _saved.DiffIds[1], _saved.DiffIds[0]], CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        archive.Position = 0;
        await _client.LoadImageAsync(archive, CancellationToken.None);
        try
        {
            var exported = TestImages.Save($"{repository}:t");
            Assert.That(HasSymlink(exported), Is.True, "docker save writes the repeated layer as a symlink");

            var contents = await DockerArchiveReader.ReadAsync(new MemoryStream(exported), _spool.Path, new DockerArchiveReadOptions(), CancellationToken.None);

            Assert.That(contents.ConfigDigest, Is.EqualTo(Digest.Compute(config)));
            Assert.That(contents.Layers.Select(l => l.DiffId), Is.EqualTo(new[] { _saved.DiffIds[0], _saved.DiffIds[1], _saved.DiffIds[0] }));
            Assert.That(contents.Layers[2].SpoolPath, Is.EqualTo(contents.Layers[0].SpoolPath));
            Assert.That(Digest.Parse(Sha.OfFile(contents.Layers[2].SpoolPath!)), Is.EqualTo(_saved.DiffIds[0]));
        }
        finally
        {
            DockerCli.RemoveImage($"{repository}:t");
        }
    }

    [Test]
    public async Task AnOciLayoutWithUncompressedLayersReadsLikeTheClassicArchive()
    {
        var oci = OciLayoutArchive.FromSaved(_saved, "none");

        var contents = await DockerArchiveReader.ReadAsync(new MemoryStream(oci.Archive), _spool.Path, new DockerArchiveReadOptions(), CancellationToken.None);

        Assert.That(contents.Format, Is.EqualTo(DockerArchiveFormat.OciLayout));
        Assert.That(contents.ConfigBytes, Is.EqualTo(_saved.Config));
        Assert.That(contents.ConfigDigest, Is.EqualTo(Digest.Parse(DockerCli.ImageId(_image))));
        Assert.That(contents.Layers.Select(l => l.DiffId), Is.EqualTo(_saved.DiffIds));
        Assert.That(contents.Layers.Select(l => l.BlobDigest), Is.EqualTo(_saved.DiffIds));
        Assert.That(contents.Layers.Select(l => l.MediaType), Is.All.EqualTo(MediaTypes.OciLayer));
        Assert.That(contents.Layers.Select(l => Digest.Parse(Sha.OfFile(l.SpoolPath!))), Is.EqualTo(_saved.DiffIds));
        Assert.That(contents.RepoTags, Is.EqualTo(new[] { "example/oci:v1" }));
        Assert.That(_spool.Files(), Is.EquivalentTo(contents.Layers.Select(l => l.SpoolPath)), "config and manifest spool files are gone");
    }

    [TestCase("gzip", MediaTypes.OciLayerGzip)]
    [TestCase("zstd", MediaTypes.OciLayerZstd)]
    public async Task AnOciLayoutWithCompressedLayersKeepsTheBlobsAndTheirMediaType(string compression, string mediaType)
    {
        var oci = OciLayoutArchive.FromSaved(_saved, compression);

        var contents = await DockerArchiveReader.ReadAsync(new MemoryStream(oci.Archive), _spool.Path, new DockerArchiveReadOptions(), CancellationToken.None);

        Assert.That(contents.Layers.Select(l => l.DiffId), Is.EqualTo(_saved.DiffIds));
        Assert.That(contents.Layers.Select(l => l.BlobDigest), Is.EqualTo(oci.LayerBlobs));
        Assert.That(contents.Layers.Select(l => l.MediaType), Is.All.EqualTo(mediaType));
        Assert.That(contents.Layers.Select(l => Digest.Parse(Sha.OfFile(l.SpoolPath!))), Is.EqualTo(oci.LayerBlobs));
    }

    [Test]
    public async Task ANestedIndexWithAnAbsentPlatformPicksTheImageWhoseBlobsAreThere()
    {
        var oci = OciLayoutArchive.FromSaved(_saved, "gzip", nestedIndex: true, repoTag: "example/nested:v2");

        var contents = await DockerArchiveReader.ReadAsync(new MemoryStream(oci.Archive), _spool.Path, new DockerArchiveReadOptions(), CancellationToken.None);

        Assert.That(contents.ConfigDigest, Is.EqualTo(_saved.ConfigDigest));
        Assert.That(contents.Layers.Select(l => l.BlobDigest), Is.EqualTo(oci.LayerBlobs));
        Assert.That(contents.RepoTags, Is.EqualTo(new[] { "example/nested:v2" }));
    }

    [Test]
    public void AskingForAPlatformTheOciLayoutLacksNamesTheOnesItHas()
    {
        var oci = OciLayoutArchive.FromSaved(_saved, "gzip", nestedIndex: true);
        var options = new DockerArchiveReadOptions { Platform = PlatformSpec.Parse("linux/s390x") };

        var e = Assert.ThrowsAsync<S3lo.Core.Errors.S3loException>(() =>
            DockerArchiveReader.ReadAsync(new MemoryStream(oci.Archive), _spool.Path, options, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("linux/s390x").And.Contain("linux/amd64"));
        Assert.That(_spool.Files(), Is.Empty);
    }

    [Test]
    public async Task KnownOciBlobsAreSkippedButTheConfigIsStillRead()
    {
        var oci = OciLayoutArchive.FromSaved(_saved, "none");
        var asked = new ConcurrentBag<Digest>();
        var known = new HashSet<Digest> { _saved.DiffIds[0], _saved.DiffIds[2], _saved.ConfigDigest };
        var options = new DockerArchiveReadOptions
        {
            SkipKnownBlob = d =>
            {
                asked.Add(d);
                return known.Contains(d);
            },
        };

        var contents = await DockerArchiveReader.ReadAsync(new MemoryStream(oci.Archive), _spool.Path, options, CancellationToken.None);

        Assert.That(contents.ConfigBytes, Is.EqualTo(_saved.Config), "a JSON blob is read even when known");
        Assert.That(contents.Layers[0].SpoolPath, Is.Null);
        Assert.That(contents.Layers[2].SpoolPath, Is.Null);
        Assert.That(contents.Layers[1].SpoolPath, Is.Not.Null);
        Assert.That(contents.Layers.Select(l => l.DiffId), Is.EqualTo(_saved.DiffIds));
        Assert.That(contents.Layers[0].Size, Is.EqualTo(_saved.Layers[0].Length));
        Assert.That(asked, Does.Contain(_saved.DiffIds[0]));
        Assert.That(contents.Layers.Skip(3).Select(l => l.SpoolPath), Is.All.Not.Null);
        Assert.That(_spool.Files(), Is.EquivalentTo(contents.Layers.Where(l => l.SpoolPath is not null).Select(l => l.SpoolPath)));
    }

    private static byte[] WithDiffIds(byte[] config, IReadOnlyList<Digest> diffIds)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(config)!;
        node["rootfs"]!["diff_ids"] = new System.Text.Json.Nodes.JsonArray(diffIds.Select(d => (System.Text.Json.Nodes.JsonNode)d.ToString()).ToArray());
        node.AsObject().Remove("history");
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static bool HasSymlink(byte[] archive)
    {
        using var reader = new TarReader(new MemoryStream(archive));
        while (reader.GetNextEntry() is { } entry)
            if (entry.EntryType == TarEntryType.SymbolicLink) return true;
        return false;
    }
}
