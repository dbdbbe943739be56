using System.Formats.Tar;
using System.Text.Json.Nodes;
using S3lo.Core.Archives;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Docker.Tests.Support;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Tests.Unit;

public sealed class DockerArchiveWriterTests
{
    private static readonly byte[] Config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"u8.ToArray();

    [Test]
    public async Task TheArchiveIsAValidTarWithConfigLayersAndManifest()
    {
        var layerA = new byte[1000];
        var layerB = new byte[512];
        Random.Shared.NextBytes(layerA);
        Random.Shared.NextBytes(layerB);
        var a = Digest.Compute(layerA);
        var b = Digest.Compute(layerB);
        using var output = new MemoryStream();
        var writer = new DockerArchiveWriter(output);

        await writer.WriteConfigAsync(Config, CancellationToken.None);
        await writer.WriteLayerAsync(a, new MemoryStream(layerA), layerA.Length, CancellationToken.None);
        await writer.WriteLayerAsync(b, new MemoryStream(layerB), layerB.Length, CancellationToken.None);
        await writer.WriteManifestAsync(null, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.That(output.Length % 512, Is.EqualTo(0));
        var entries = ReadAll(output.ToArray());
        Assert.That(entries.Keys, Is.EqualTo(new[] { $"{Digest.Compute(Config).Hex}.json", $"{a.Hex}/layer.tar", $"{b.Hex}/layer.tar", "manifest.json" }));
        Assert.That(entries[$"{a.Hex}/layer.tar"], Is.EqualTo(layerA));
        Assert.That(entries[$"{b.Hex}/layer.tar"], Is.EqualTo(layerB));
        var manifest = JsonNode.Parse(entries["manifest.json"])!.AsArray();
        Assert.That(manifest, Has.Count.EqualTo(1));
        Assert.That(manifest[0]!["Config"]!.GetValue<string>(), Is.EqualTo($"{Digest.Compute(Config).Hex}.json"));
        Assert.That(manifest[0]!.AsObject().ContainsKey("RepoTags"), Is.True);
        Assert.That(manifest[0]!["RepoTags"], Is.Null, "RepoTags is written as null for an untagged load");
        Assert.That(manifest[0]!["Layers"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { $"{a.Hex}/layer.tar", $"{b.Hex}/layer.tar" }));
    }

    [Test]
    public async Task ALayerOrderCanNameALayerTwice()
    {
        var layer = new byte[10];
        var digest = Digest.Compute(layer);
        using var output = new MemoryStream();
        var writer = new DockerArchiveWriter(output);
        await writer.WriteConfigAsync(Config, CancellationToken.None);
        await writer.WriteLayerAsync(digest, new MemoryStream(layer), layer.Length, CancellationToken.None);
        await writer.WriteManifestAsync("example/app:v1", [digest, digest], CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        var manifest = JsonNode.Parse(ReadAll(output.ToArray())["manifest.json"])!.AsArray()[0]!;
        Assert.That(manifest["Layers"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { $"{digest.Hex}/layer.tar", $"{digest.Hex}/layer.tar" }));
        Assert.That(manifest["RepoTags"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "example/app:v1" }));
    }

    [Test]
    public void ContentShorterThanDeclaredIsAnError()
    {
        var writer = new DockerArchiveWriter(new MemoryStream());
        var e = Assert.ThrowsAsync<S3loException>(() =>
            writer.WriteLayerAsync(Digest.Compute([1]), new MemoryStream(new byte[100]), 101, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("100 of its 101 bytes"));
    }

    [Test]
    public void ContentLongerThanDeclaredIsAnError()
    {
        var writer = new DockerArchiveWriter(new MemoryStream());
        var e = Assert.ThrowsAsync<S3loException>(() =>
            writer.WriteLayerAsync(Digest.Compute([1]), new MemoryStream(new byte[100]), 99, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("longer than the 99 bytes"));
    }

    [Test]
    public void TheManifestNeedsTheConfigFirst()
    {
        var writer = new DockerArchiveWriter(new MemoryStream());
        Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteManifestAsync(null, CancellationToken.None));
    }

    [TestCase(8L * 1024 * 1024 * 1024)]
    [TestCase(9L * 1024 * 1024 * 1024)]
    public void Sizes_of_8_GiB_and_more_get_a_pax_size_record(long size)
    {
        // The header DockerArchiveWriter writes for such a layer; the daemon's Go archive/tar reads pax.
        var header = TarHeaders.File("big/layer.tar", size);

        // Non-seekable, as the daemon reads it: the header is parsed without skipping the (absent) data.
        using var reader = new TarReader(new NonSeekableStream(new MemoryStream(header)));
        var entry = reader.GetNextEntry();
        Assert.That(entry!.Format, Is.EqualTo(TarEntryFormat.Pax));
        Assert.That(entry.Length, Is.EqualTo(size));
        Assert.That(entry.Name, Is.EqualTo("big/layer.tar"));
    }

    [Test]
    public void SizesBelow8GiBKeepAPlainUstarHeader()
    {
        var header = TarHeaders.File("big/layer.tar", 8L * 1024 * 1024 * 1024 - 1);

        using var reader = new TarReader(new NonSeekableStream(new MemoryStream(header)));
        var entry = reader.GetNextEntry();
        Assert.That(header, Has.Length.EqualTo(TarHeaders.BlockSize));
        Assert.That(entry!.Format, Is.EqualTo(TarEntryFormat.Ustar));
        Assert.That(entry.Length, Is.EqualTo(8L * 1024 * 1024 * 1024 - 1));
    }

    private static Dictionary<string, byte[]> ReadAll(byte[] tar)
    {
        var entries = new Dictionary<string, byte[]>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            Assert.That(entry.Format, Is.EqualTo(TarEntryFormat.Ustar));
            using var copy = new MemoryStream();
            entry.DataStream?.CopyTo(copy);
            entries[entry.Name] = copy.ToArray();
        }
        return entries;
    }
}
