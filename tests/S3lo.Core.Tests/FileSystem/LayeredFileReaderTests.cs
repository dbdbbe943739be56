using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.FileSystem;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.FileSystem;

[TestFixture]
public class LayeredFileReaderTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PlatformSpec Amd64 = new("linux", "amd64", null);
    private TempDir _temp = null!;
    private ImageBucket _bucket = null!;
    private int _tags;

    [SetUp]
    public void CreateStore()
    {
        _temp = new TempDir("cat");
        _bucket = new ImageBucket(new LocalObjectStore(_temp.Sub("store")));
    }

    [TearDown]
    public async Task Cleanup()
    {
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task AFileALaterLayerWhitesOutIsNotFound()
    {
        var tag = await ImageAsync(
            new LayerTar().Dir("etc").File("etc/gone", "old").File("etc/kept", "kept"),
            new LayerTar().Whiteout("etc", "gone"));

        var error = Assert.ThrowsAsync<NotFoundException>(() => CatAsync(tag, "/etc/gone"));
        Assert.That(error!.Message, Is.EqualTo($"/etc/gone: no such file in {_bucket.Name}/app:{tag} (linux/amd64)"));
        Assert.That(await CatAsync(tag, "/etc/kept"), Is.EqualTo("kept"));
    }

    [Test]
    public async Task AWhitedOutDirectoryHidesTheFilesUnderIt()
    {
        var tag = await ImageAsync(new LayerTar().File("opt/app/conf", "old"), new LayerTar().Whiteout("opt", "app"));

        Assert.ThrowsAsync<NotFoundException>(() => CatAsync(tag, "opt/app/conf"));
    }

    [Test]
    public async Task AFileALaterLayerReplacesHasTheNewBytes()
    {
        var tag = await ImageAsync(new LayerTar().File("etc/motd", "first"), new LayerTar().File("etc/motd", "second"));

        Assert.That(await CatAsync(tag, "/etc/motd"), Is.EqualTo("second"));
    }

    [Test]
    public async Task AnOpaqueDirectoryHidesLowerFilesButShowsItsOwn()
    {
        var tag = await ImageAsync(
            new LayerTar().File("var/lib/old", "old"),
            new LayerTar().Dir("var/lib").Opaque("var/lib").File("var/lib/new", "new"));

        Assert.ThrowsAsync<NotFoundException>(() => CatAsync(tag, "/var/lib/old"));
        Assert.That(await CatAsync(tag, "/var/lib/new"), Is.EqualTo("new"));
    }

    [Test]
    public async Task AHardLinkHasItsTargetsBytes()
    {
        var tag = await ImageAsync(new LayerTar().File("bin/busybox", "BUSYBOX").HardLink("bin/sh", "bin/busybox"));

        Assert.That(await CatAsync(tag, "/bin/sh"), Is.EqualTo("BUSYBOX"));
    }

    [Test]
    public async Task AHardLinkToALowerLayersFileHasItsBytes()
    {
        var tag = await ImageAsync(new LayerTar().File("bin/busybox", "BUSYBOX"), new LayerTar().HardLink("bin/ls", "/bin/busybox"));

        Assert.That(await CatAsync(tag, "/bin/ls"), Is.EqualTo("BUSYBOX"));
    }

    [Test]
    public async Task ASymlinkedAncestorDirectoryIsFollowedAcrossLayers()
    {
        var tag = await ImageAsync(new LayerTar().File("usr/bin/tool", "TOOL"), new LayerTar().Symlink("bin", "usr/bin"));

        Assert.That(await CatAsync(tag, "/bin/tool"), Is.EqualTo("TOOL"));
    }

    [Test]
    public async Task ASymlinkPointingAboveTheRootIsClampedToTheImageRoot()
    {
        var tag = await ImageAsync(new LayerTar().File("etc/passwd", "image passwd").Symlink("x", "../../..").Symlink("y", "/../etc/passwd"));

        Assert.That(await CatAsync(tag, "/x/etc/passwd"), Is.EqualTo("image passwd"));
        Assert.That(await CatAsync(tag, "/y"), Is.EqualTo("image passwd"));
    }

    [Test]
    public async Task ASymlinkLoopIsReportedAfterFortyLinks()
    {
        var tag = await ImageAsync(new LayerTar().Symlink("a", "b").Symlink("b", "a"));

        var error = Assert.ThrowsAsync<S3loException>(() => CatAsync(tag, "/a"));
        Assert.That(error!.Message, Is.EqualTo("/a: too many levels of symbolic links"));
    }

    [Test]
    public async Task APathThatLeavesTheRootIsAUsageError()
    {
        var tag = await ImageAsync(new LayerTar().File("etc/passwd", "x"));

        var error = Assert.ThrowsAsync<UsageException>(() => CatAsync(tag, "../etc/passwd"));
        Assert.That(error!.Message, Is.EqualTo("'../etc/passwd' leaves the image's root"));
    }

    [Test]
    public async Task ADirectoryIsAnError()
    {
        var tag = await ImageAsync(new LayerTar().Dir("etc").File("etc/a", "a"));

        var error = Assert.ThrowsAsync<S3loException>(() => CatAsync(tag, "./etc//"));
        Assert.That(error!.Message, Is.EqualTo("/etc is a directory"));
    }

    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    [TestCase(LayerCompression.None)]
    public async Task EveryLayerEncodingIsRead(LayerCompression compression)
    {
        var big = Bytes.Random(300_000, 7);
        var tag = await ImageWithAsync(compression,
            new LayerTar().File("data/big", big).File("data/after", "after"),
            new LayerTar().File("data/top", "top"));

        Assert.That(await CatBytesAsync(tag, "/data/big"), Is.EqualTo(big));
        Assert.That(await CatAsync(tag, "data/after"), Is.EqualTo("after"));
        Assert.That(await CatAsync(tag, "data/top"), Is.EqualTo("top"));
    }

    private Task<string> ImageAsync(params LayerTar[] layers) => ImageWithAsync(LayerCompression.Gzip, layers);

    private async Task<string> ImageWithAsync(LayerCompression compression, params LayerTar[] layers)
    {
        var builder = new ImageBuilder(_bucket);
        var descriptors = new List<Descriptor>();
        foreach (var layer in layers)
        {
            var tar = layer.ToBytes();
            var blob = compression switch
            {
                LayerCompression.Gzip => Compress.Gzip(tar),
                LayerCompression.Zstd => Compress.Zstd(tar),
                _ => tar,
            };
            descriptors.Add(await builder.PutBlobAsync(blob, MediaTypes.OciLayerFor(compression)));
        }
        var config = await builder.PutBlobAsync(Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"), MediaTypes.OciConfig);
        var manifest = ManifestBlob.FromManifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = descriptors });
        await builder.PutManifestBlobAsync(manifest);
        var tag = $"t{++_tags}";
        await builder.TagAsync("app", tag, manifest);
        return tag;
    }

    private async Task<string> CatAsync(string tag, string path) => Encoding.UTF8.GetString(await CatBytesAsync(tag, path));

    private async Task<byte[]> CatBytesAsync(string tag, string path)
    {
        await using var source = new BucketImageSource(_bucket, "app", tag, null);
        await using var file = await LayeredFileReader.OpenAsync(_bucket, source, path, Amd64, true, None);
        using var copy = new MemoryStream();
        await file.Content.CopyToAsync(copy);
        return copy.ToArray();
    }
}
