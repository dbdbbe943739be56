using System.Text;
using System.Text.Json.Nodes;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Unit;

/// <summary>The reader on hand-made archives: the cases a daemon does not produce on request, and hostile input.</summary>
public sealed class DockerArchiveReaderTests
{
    private TempDir _spool = null!;

    [SetUp]
    public void CreateSpool() => _spool = new TempDir("docker");

    [TearDown]
    public void RemoveSpool() => _spool.Dispose();

    [Test]
    public async Task ASymlinkThatComesBeforeItsTargetIsFollowed()
    {
        var (layer, config) = Image("one");
        var archive = new TarBuilder()
            .File(Digest.Compute(config).Hex + ".json", config)
            .Directory("aaa")
            .Symlink("aaa/layer.tar", "../zzz/layer.tar")
            .Directory("zzz")
            .File("zzz/layer.tar", layer)
            .File("manifest.json", Manifest(Digest.Compute(config).Hex + ".json", ["example/a:1"], "aaa/layer.tar"))
            .ToArray();

        var contents = await Read(archive);

        Assert.That(contents.Layers.Single().DiffId, Is.EqualTo(Digest.Compute(layer)));
        Assert.That(Digest.Parse(Sha.OfFile(contents.Layers[0].SpoolPath!)), Is.EqualTo(Digest.Compute(layer)));
        Assert.That(contents.RepoTags, Is.EqualTo(new[] { "example/a:1" }));
    }

    [TestCase("../evil.json")]
    [TestCase("/etc/passwd")]
    [TestCase("a/../../evil")]
    public void NamesLeavingTheArchiveAreRefused(string name)
    {
        var archive = new TarBuilder(System.Formats.Tar.TarEntryFormat.Pax).File("ok.json", "{}").File(name, "x").ToArray();

        var e = Assert.ThrowsAsync<S3loException>(() => Read(archive));

        Assert.That(e!.Message, Does.Contain("unsafe path"));
        Assert.That(_spool.Files(), Is.Empty);
    }

    [Test]
    public void ASymlinkLeavingTheArchiveIsRefused()
    {
        var archive = new TarBuilder().Symlink("x/layer.tar", "../../etc/shadow").ToArray();
        var e = Assert.ThrowsAsync<S3loException>(() => Read(archive));
        Assert.That(e!.Message, Does.Contain("unsafe path"));
    }

    [Test]
    public void AnOversizedManifestJsonIsRefused()
    {
        var archive = new TarBuilder().File("manifest.json", new string(' ', 5000) + "[]").ToArray();

        var e = Assert.ThrowsAsync<S3loException>(() => Read(archive, new DockerArchiveReadOptions { MaxJsonBytes = 4096 }));

        Assert.That(e!.Message, Does.Contain("manifest.json").And.Contain("4096-byte limit"));
    }

    [Test]
    public void ALayerThatDoesNotHashToItsDiffIdIsADigestMismatch()
    {
        var (layer, config) = Image("one");
        var tampered = (byte[])layer.Clone();
        tampered[600] ^= 1;
        var archive = Classic(config, [tampered]);

        var e = Assert.ThrowsAsync<DigestMismatchException>(() => Read(archive));

        Assert.That(e!.Expected, Is.EqualTo(Digest.Compute(layer).ToString()));
        Assert.That(e.Actual, Is.EqualTo(Digest.Compute(tampered).ToString()));
        Assert.That(_spool.Files(), Is.Empty, "spooled files are removed on failure");
    }

    [Test]
    public void AnOciBlobWhoseContentDoesNotMatchItsNameIsADigestMismatch()
    {
        var archive = new TarBuilder()
            .File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
            .File("blobs/sha256/" + new string('b', 64), "{\"not\":\"this\"}")
            .ToArray();

        var e = Assert.ThrowsAsync<DigestMismatchException>(() => Read(archive));
        Assert.That(e!.Expected, Is.EqualTo("sha256:" + new string('b', 64)));
    }

    [Test]
    public async Task OfSeveralImagesTheFirstIsReadWithItsOwnTags()
    {
        var (layer1, config1) = Image("first");
        var (layer2, config2) = Image("second");
        var manifest = new JsonArray
        {
            Entry(Digest.Compute(config1).Hex + ".json", ["example/first:1", "example/first:latest"], "l1/layer.tar"),
            Entry(Digest.Compute(config2).Hex + ".json", ["example/second:1"], "l2/layer.tar"),
        };
        var archive = new TarBuilder()
            .File(Digest.Compute(config1).Hex + ".json", config1)
            .File(Digest.Compute(config2).Hex + ".json", config2)
            .File("l1/layer.tar", layer1)
            .File("l2/layer.tar", layer2)
            .File("manifest.json", manifest.ToJsonString())
            .ToArray();

        var contents = await Read(archive);

        Assert.That(contents.ConfigDigest, Is.EqualTo(Digest.Compute(config1)));
        Assert.That(contents.RepoTags, Is.EqualTo(new[] { "example/first:1", "example/first:latest" }));
        Assert.That(_spool.Files(), Has.Length.EqualTo(1), "the other image's layer is not kept");
    }

    [Test]
    public async Task AGzipLayerTarInAClassicArchiveKeepsItsBlobDigest()
    {
        var (layer, config) = Image("gz");
        var gzip = Compress.Gzip(layer);

        var contents = await Read(Classic(config, [gzip]));

        Assert.That(contents.Layers[0].DiffId, Is.EqualTo(Digest.Compute(layer)));
        Assert.That(contents.Layers[0].BlobDigest, Is.EqualTo(Digest.Compute(gzip)));
        Assert.That(contents.Layers[0].MediaType, Is.EqualTo(MediaTypes.OciLayerGzip));
        Assert.That(contents.Layers[0].Size, Is.EqualTo(gzip.Length));
    }

    [Test]
    public void AFailingCallbackFailsTheReadAndLeavesNoFiles()
    {
        var (layer, config) = Image("cb");
        var options = new DockerArchiveReadOptions { OnBlobSpooled = (_, _) => Task.FromException(new IOException("disk full")) };

        var e = Assert.ThrowsAsync<IOException>(() => Read(Classic(config, [layer]), options));

        Assert.That(e!.Message, Is.EqualTo("disk full"));
        Assert.That(_spool.Files(), Is.Empty);
    }

    [Test]
    public void BytesThatAreNotATarAreRefused()
    {
        var e = Assert.ThrowsAsync<S3loException>(() => Read(Encoding.ASCII.GetBytes(new string('x', 2048))));
        Assert.That(e!.Message, Does.Contain("not a valid tar").Or.Contain("no manifest.json"));
    }

    [Test]
    public void AnArchiveWithoutManifestJsonSaysWhatItIsNot()
    {
        var e = Assert.ThrowsAsync<S3loException>(() => Read(new TarBuilder().File("repositories", "{}").ToArray()));
        Assert.That(e!.Message, Does.Contain("no manifest.json"));
    }

    [Test]
    public void ReadingIsCancellable()
    {
        var (layer, config) = Image("cancel");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() =>
            DockerArchiveReader.ReadAsync(new MemoryStream(Classic(config, [layer])), _spool.Path, new DockerArchiveReadOptions(), cts.Token));
    }

    private Task<DockerArchiveContents> Read(byte[] archive, DockerArchiveReadOptions? options = null) =>
        DockerArchiveReader.ReadAsync(new MemoryStream(archive), _spool.Path, options ?? new DockerArchiveReadOptions(), CancellationToken.None);

    /// <summary>A one-layer image: the layer tar holds one file, the config names its diff ID.</summary>
    private static (byte[] Layer, byte[] Config) Image(string text)
    {
        var layer = new TarBuilder(System.Formats.Tar.TarEntryFormat.Ustar).File("data.txt", text + Guid.NewGuid()).ToArray();
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Digest.Compute(layer).ToString()) },
        };
        return (layer, Encoding.UTF8.GetBytes(config.ToJsonString()));
    }

    private static byte[] Classic(byte[] config, IReadOnlyList<byte[]> layers)
    {
        var tar = new TarBuilder().File(Digest.Compute(config).Hex + ".json", config);
        var paths = new List<string>();
        for (var i = 0; i < layers.Count; i++)
        {
            paths.Add($"layer{i}/layer.tar");
            tar.File(paths[^1], layers[i]);
        }
        return tar.File("manifest.json", Manifest(Digest.Compute(config).Hex + ".json", null, [.. paths])).ToArray();
    }

    private static string Manifest(string config, string[]? tags, params string[] layers) =>
        new JsonArray { Entry(config, tags, layers) }.ToJsonString();

    private static JsonObject Entry(string config, string[]? tags, params string[] layers) => new()
    {
        ["Config"] = config,
        ["RepoTags"] = tags is null ? null : new JsonArray(tags.Select(t => (JsonNode)t).ToArray()),
        ["Layers"] = new JsonArray(layers.Select(l => (JsonNode)l).ToArray()),
    };
}
