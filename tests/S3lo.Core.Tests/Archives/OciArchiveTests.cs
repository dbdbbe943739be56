using System.Formats.Tar;
using System.Text;
using S3lo.Core.Archives;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Archives;

[TestFixture]
public class OciArchiveTests() : ArchiveFixture("archive")
{
    [Test]
    public async Task OciDirToOciArchiveToOciDirKeepsEveryBlobAndTheIndex()
    {
        var index = await LayoutTestImages.PutMultiArchAsync(Fixture, "multi", "v1", "roundtrip");
        var first = PathIn("first");
        await CopyAsync(new BucketImageSource(Fixture, "multi", "v1", null), new OciLayoutDestination(first, "v1"));

        var archive = PathIn("image.tar");
        var report = await CopyAsync(new OciLayoutSource(first, "v1"), new OciArchiveDestination(archive, "v1"));
        Assert.That(report.Digest, Is.EqualTo(index.Digest));
        Assert.That(File.Exists(archive + ".tmp"), Is.False);

        var second = PathIn("second");
        var back = await CopyAsync(new OciArchiveSource(archive, "v1"), new OciLayoutDestination(second, "v1"));
        Assert.That(back.Digest, Is.EqualTo(index.Digest));
        var firstBlobs = TempDir.FilesUnder(Path.Combine(first, "blobs"));
        Assert.That(TempDir.FilesUnder(Path.Combine(second, "blobs")), Is.EqualTo(firstBlobs));
        foreach (var blob in firstBlobs)
            Assert.That(File.ReadAllBytes(Path.Combine(second, "blobs", blob)), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, "blobs", blob))));
        Assert.That(File.ReadAllBytes(Path.Combine(second, "index.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, "index.json"))));
    }

    [Test]
    public async Task TheArchiveIsADeterministicUstarOfTheLayout()
    {
        var a = PathIn("a.tar");
        var b = PathIn("b.tar");
        await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciArchiveDestination(a, "latest"), Amd64, concurrency: 1);
        await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciArchiveDestination(b, "latest"), Amd64, concurrency: 1);
        Assert.That(File.ReadAllBytes(a), Is.EqualTo(File.ReadAllBytes(b)), "same image, same bytes");

        var names = new List<string>();
        await using (var reader = new TarReader(File.OpenRead(a)))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
                Assert.That(entry.ModificationTime, Is.EqualTo(DateTimeOffset.UnixEpoch), entry.Name);
                Assert.That(entry.Uid, Is.Zero);
                Assert.That(entry.Gid, Is.Zero);
                Assert.That(entry.Format, Is.EqualTo(TarEntryFormat.Ustar));
                if (entry.EntryType == TarEntryType.RegularFile)
                    Assert.That(entry.Mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            }
        }
        Assert.That(names[0], Is.EqualTo("oci-layout"));
        Assert.That(names[^1], Is.EqualTo("index.json"));
        Assert.That(names, Does.Contain("blobs/sha256/" + FixtureStore.Amd64LayerDigest[7..]));
        Assert.That(names, Does.Contain("blobs/sha256/" + FixtureStore.Amd64ManifestDigest[7..]));
    }

    [Test]
    public async Task ASecondTagJoinsTheArchiveAndAReusedTagMovesToTheNewImage()
    {
        var multi = await LayoutTestImages.PutMultiArchAsync(Fixture, "multi", "v1", "join");
        var archive = PathIn("joined.tar");
        await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciArchiveDestination(archive, "one"), Amd64);
        await CopyAsync(new BucketImageSource(Fixture, "multi", "v1", null), new OciArchiveDestination(archive, "two"));
        await CopyAsync(new BucketImageSource(Fixture, "multi", "v1", null), new OciArchiveDestination(archive, "three"));
        var reused = await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciArchiveDestination(archive, "two"), Amd64);

        Assert.That(reused.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        foreach (var (tag, digest) in new[] { ("one", FixtureStore.Amd64ManifestDigest), ("two", FixtureStore.Amd64ManifestDigest), ("three", multi.Digest.ToString()) })
        {
            var back = PathIn("back-" + tag);
            var report = await CopyAsync(new OciArchiveSource(archive, tag), new OciLayoutDestination(back, tag));
            Assert.That(report.Digest.ToString(), Is.EqualTo(digest), tag);
        }
    }

    [Test]
    public async Task AFailedCopyLeavesNoFileAtTheDestinationAndNoTempFiles()
    {
        var archive = PathIn("out.tar");
        File.WriteAllText(archive, "an older archive stays as it was");
        var image = await LayoutTestImages.PutImageAsync(Fixture, "linux", "amd64", null, "fail", layers: 4);
        await new ImageBuilder(Fixture).TagAsync("fail", "v1", image);

        Assert.ThrowsAsync<IOException>(() => CopyAsync(
            new FailingImageSource(new BucketImageSource(Fixture, "fail", "v1", null), image.Manifest!.Layers[2].Digest), new OciArchiveDestination(archive, "v1")));

        Assert.That(File.ReadAllText(archive), Is.EqualTo("an older archive stays as it was"));
        Assert.That(Directory.GetFiles(Temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "out.tar" }), "no FILE.tmp, no spool files");
    }

    [Test]
    public async Task ALeftoverTempFileThatIsASymlinkIsReplacedNotFollowed()
    {
        var victim = PathIn("victim.txt");
        File.WriteAllText(victim, "precious");
        var archive = PathIn("out.tar");
        File.CreateSymbolicLink(archive + ".tmp", victim);

        await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciArchiveDestination(archive, "v1"), Amd64);

        Assert.That(File.ReadAllText(victim), Is.EqualTo("precious"));
        await using var source = new OciArchiveSource(archive, "v1");
        Assert.That((await source.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public async Task ConcurrentBlobsAreSpooledAndAllEndUpInTheArchive()
    {
        var image = await LayoutTestImages.PutImageAsync(Fixture, "linux", "amd64", null, "many", layers: 12);
        await new ImageBuilder(Fixture).TagAsync("many", "v1", image);
        var archive = PathIn("many.tar");
        var report = await CopyAsync(new BucketImageSource(Fixture, "many", "v1", null), new OciArchiveDestination(archive, "v1"), concurrency: 16);
        Assert.That(report.BlobsCopied, Is.EqualTo(13));

        await using var source = new OciArchiveSource(archive, "v1");
        var root = await source.GetRootAsync(None);
        Assert.That(root.Digest, Is.EqualTo(image.Digest));
        foreach (var blob in root.Manifest!.Layers.Append(root.Manifest.Config))
        {
            await using var stream = await source.OpenBlobAsync(blob, None);
            Assert.That(Sha.Of(await Bytes.ReadAllAsync(stream)), Is.EqualTo(blob.Digest));
        }
        Assert.That(Directory.GetFiles(Temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "many.tar" }));
    }

    [TestCase("../evil")]
    [TestCase("/etc/evil")]
    [TestCase("blobs/../../evil")]
    [TestCase("blobs\\sha256\\x")]
    public async Task AnArchiveWithAnEntryLeavingItsRootIsRefused(string name)
    {
        var archive = await FixtureArchiveAsync(extra: name);
        await using var source = new OciArchiveSource(archive, "latest");
        var error = Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None));
        Assert.That(error!.Message, Does.Contain("unsafe entry name"));
    }

    [Test]
    public async Task PaxLongNamesAndALeadingDotSlashAreRead()
    {
        // What GNU tar and other writers produce: "./" prefixes, pax headers, entries that are not blobs.
        var layout = PathIn("layout");
        await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciLayoutDestination(layout, "latest"), Amd64);
        var archive = PathIn("pax.tar");
        await using (var output = File.Create(archive))
        await using (var writer = new TarWriter(output, TarEntryFormat.Pax))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "./" + new string('x', 150) + "/readme.txt")
                { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("not part of the image")) });
            foreach (var file in TempDir.FilesUnder(layout))
                await writer.WriteEntryAsync(Path.Combine(layout, file), "./" + file);
        }
        var copy = PathIn("copy");
        var report = await CopyAsync(new OciArchiveSource(archive, "latest"), new OciLayoutDestination(copy, "latest"));
        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public async Task MissingFilesAndTagsAreNamed()
    {
        await using (var missing = new OciArchiveSource(PathIn("none.tar"), null))
            Assert.ThrowsAsync<NotFoundException>(() => missing.GetRootAsync(None));

        var archive = await FixtureArchiveAsync();
        await using (var wrongTag = new OciArchiveSource(archive, "other"))
        {
            var error = Assert.ThrowsAsync<NotFoundException>(() => wrongTag.GetRootAsync(None));
            Assert.That(error!.Hint, Does.Contain("latest"));
        }

        File.WriteAllText(PathIn("garbage.tar"), new string('x', 4000));
        await using (var garbage = new OciArchiveSource(PathIn("garbage.tar"), null))
            Assert.ThrowsAsync<S3loException>(() => garbage.GetRootAsync(None));
    }

    [Test]
    public void SizesOf8GiBAndMoreGetAPaxSizeRecord()
    {
        var size = 9L * 1024 * 1024 * 1024;
        var header = TarHeaders.File("blobs/sha256/big", size);
        using var reader = new TarReader(new NonSeekableStream(new MemoryStream(header)));
        var entry = reader.GetNextEntry(copyData: false)!;
        Assert.That(entry.Name, Is.EqualTo("blobs/sha256/big"));
        Assert.That(entry.Length, Is.EqualTo(size));
    }

    private async Task<string> FixtureArchiveAsync(string? extra = null)
    {
        var layout = PathIn("layout-" + Guid.NewGuid().ToString("N")[..6]);
        await CopyAsync(new BucketImageSource(Fixture, FixtureStore.Repository, FixtureStore.Tag, null), new OciLayoutDestination(layout, "latest"), Amd64);
        var archive = layout + ".tar";
        await using var output = File.Create(archive);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax);
        if (extra is not null)
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, extra) { DataStream = new MemoryStream("x"u8.ToArray()) });
        foreach (var file in TempDir.FilesUnder(layout))
            await writer.WriteEntryAsync(Path.Combine(layout, file), file);
        return archive;
    }
}
