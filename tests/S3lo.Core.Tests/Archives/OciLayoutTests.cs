using System.Text;
using System.Text.Json.Nodes;
using S3lo.Core.Archives;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;

namespace S3lo.Core.Tests.Archives;

[TestFixture]
public class OciLayoutTests() : ArchiveFixture("layout")
{
    private BucketImageSource FixtureAlpine() => new(Fixture, FixtureStore.Repository, FixtureStore.Tag, null);

    private static JsonArray IndexEntries(string layout) =>
        JsonNode.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")))!["manifests"]!.AsArray();

    private static string? RefName(JsonNode? entry) => entry?["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>();

    [Test]
    public async Task BucketToOciDirToBucketKeepsTheManifestByteExact()
    {
        var layout = PathIn("layout");
        var original = await Fixture.ReadAllAsync(BucketLayout.BlobKey(Digest.Parse(FixtureStore.Amd64ManifestDigest)), None);

        var report = await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "3.20"), Amd64);
        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));

        Assert.That(TempDir.FilesUnder(layout), Is.EqualTo(new[]
        {
            "blobs/sha256/" + FixtureStore.Amd64LayerDigest[7..],
            "blobs/sha256/" + FixtureStore.Amd64ManifestDigest[7..],
            "blobs/sha256/" + FixtureStore.Amd64ConfigDigest[7..],
            "index.json",
            "oci-layout",
        }.Order(StringComparer.Ordinal)));
        Assert.That(File.ReadAllText(Path.Combine(layout, "oci-layout")), Is.EqualTo("{\"imageLayoutVersion\":\"1.0.0\"}"));
        var entry = IndexEntries(layout).Single();
        Assert.That(entry!["digest"]!.GetValue<string>(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(RefName(entry), Is.EqualTo("3.20"));
        foreach (var blob in Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")))
            Assert.That(Sha.OfFile(blob), Is.EqualTo("sha256:" + Path.GetFileName(blob)));

        var back = await CopyAsync(new OciLayoutSource(layout, "3.20"), new BucketImageDestination(Bucket, "back/alpine", "v1", TimeProvider.System));
        Assert.That(back.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        var record = await Bucket.ReadTagAsync("back/alpine", "v1", None);
        Assert.That(record!.Manifest.Bytes, Is.EqualTo(original), "manifest bytes survive both hops exactly");
        Assert.That(await Bucket.HasBlobAsync(Digest.Parse(FixtureStore.Amd64LayerDigest), new FileInfo(Path.Combine(layout, "blobs", "sha256", FixtureStore.Amd64LayerDigest[7..])).Length, None), Is.True);
    }

    [Test]
    public async Task AMultiArchIndexGoesThroughAnOciDirWholeWithItsDigest()
    {
        var index = await LayoutTestImages.PutMultiArchAsync(Fixture, "multi", "v1", "multi");
        var layout = PathIn("layout");

        var report = await CopyAsync(new BucketImageSource(Fixture, "multi", "v1", null), new OciLayoutDestination(layout, "v1"));
        Assert.That(report.Digest, Is.EqualTo(index.Digest));
        Assert.That(report.Platforms, Is.EquivalentTo(new[] { "linux/amd64", "linux/arm64/v8" }));
        var entry = IndexEntries(layout).Single()!;
        Assert.That(entry["mediaType"]!.GetValue<string>(), Is.EqualTo(MediaTypes.OciIndex));
        foreach (var child in index.Index!.Manifests)
            Assert.That(File.Exists(Path.Combine(layout, "blobs", "sha256", child.Digest[7..])), Is.True, $"child manifest {child.Digest} is a blob");

        await CopyAsync(new OciLayoutSource(layout, "v1"), new BucketImageDestination(Bucket, "multi", "copied", TimeProvider.System));
        var record = await Bucket.ReadTagAsync("multi", "copied", None);
        Assert.That(record!.Manifest.Bytes, Is.EqualTo(index.Bytes));

        // One platform out of the layout: the platform's manifest, single-arch.
        var arm = await CopyAsync(new OciLayoutSource(layout, "v1"), new BucketImageDestination(Bucket, "multi", "arm", TimeProvider.System), PlatformSpec.Parse("linux/arm64"));
        Assert.That(arm.Digest.ToString(), Is.EqualTo(index.Index.Manifests[1].Digest));
    }

    [Test]
    public async Task TwoTagsShareOneLayoutAndATagWrittenAgainReplacesItsEntry()
    {
        var layout = PathIn("layout");
        var other = await LayoutTestImages.PutImageAsync(Fixture, "linux", "amd64", null, "other");
        await new ImageBuilder(Fixture).TagAsync("other", "v1", other);

        await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "alpine"), Amd64);
        await CopyAsync(new BucketImageSource(Fixture, "other", "v1", null), new OciLayoutDestination(layout, "other"));

        Assert.That(IndexEntries(layout).Select(RefName), Is.EqualTo(new[] { "alpine", "other" }));
        await using (var alpine = new OciLayoutSource(layout, "alpine"))
            Assert.That((await alpine.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        await using (var second = new OciLayoutSource(layout, "other"))
            Assert.That((await second.GetRootAsync(None)).Digest, Is.EqualTo(other.Digest));

        // "alpine" now names the other image: one entry replaced, none added.
        CommitResult? commit = null;
        await using (var source = new BucketImageSource(Fixture, "other", "v1", null))
        await using (var destination = new OciLayoutDestination(layout, "alpine"))
            commit = (await new TransferEngine().TransferAsync(source, destination, new TransferOptions(), None)).Commit;
        Assert.That(commit.PreviousDigest?.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(commit.Unchanged, Is.False);
        var entries = IndexEntries(layout);
        Assert.That(entries.Select(RefName), Is.EquivalentTo(new[] { "alpine", "other" }));
        Assert.That(entries.Select(e => e!["digest"]!.GetValue<string>()).Distinct().Single(), Is.EqualTo(other.Digest.ToString()));

        // Without a tag, a layout of two images cannot pick one.
        await using var untagged = new OciLayoutSource(layout, null);
        var error = Assert.ThrowsAsync<S3loException>(() => untagged.GetRootAsync(None));
        Assert.That(error!.Message, Does.Contain("2 images"));
        Assert.That(error.Hint, Does.Contain("alpine").And.Contain("other"));
    }

    [Test]
    public async Task WithoutATagTheOnlyImageIsReadAndWrittenWithoutARefName()
    {
        var layout = PathIn("layout");
        await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, null), Amd64);
        Assert.That(RefName(IndexEntries(layout).Single()), Is.Null);
        await using var source = new OciLayoutSource(layout, null);
        Assert.That((await source.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        await using var tagged = new OciLayoutSource(layout, "nope");
        var error = Assert.ThrowsAsync<NotFoundException>(() => tagged.GetRootAsync(None));
        Assert.That(error!.Message, Does.Contain("no image tagged 'nope'"));
    }

    [Test]
    public async Task AFailedCopyLeavesNoPartialBlobNoIndexEntryAndNoTempFile()
    {
        var layout = PathIn("layout");
        await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "kept"), Amd64);
        var indexBefore = File.ReadAllBytes(Path.Combine(layout, "index.json"));
        var other = await LayoutTestImages.PutImageAsync(Fixture, "linux", "amd64", null, "broken", layers: 3);
        await new ImageBuilder(Fixture).TagAsync("broken", "v1", other);
        var failing = other.Manifest!.Layers[1].Digest;

        Assert.ThrowsAsync<IOException>(() => CopyAsync(
            new FailingImageSource(new BucketImageSource(Fixture, "broken", "v1", null), failing), new OciLayoutDestination(layout, "broken")));

        Assert.That(File.Exists(Path.Combine(layout, "blobs", "sha256", failing[7..])), Is.False, "no blob under its final name");
        Assert.That(File.Exists(Path.Combine(layout, "blobs", "sha256", other.Digest.Hex)), Is.False, "no manifest of the failed image");
        Assert.That(File.ReadAllBytes(Path.Combine(layout, "index.json")), Is.EqualTo(indexBefore), "index.json untouched");
        Assert.That(Directory.GetFiles(layout, "*.tmp", SearchOption.AllDirectories), Is.Empty, "temp files removed");
        foreach (var blob in Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")))
            Assert.That(Sha.OfFile(blob), Is.EqualTo("sha256:" + Path.GetFileName(blob)), "every blob there is complete");
    }

    [Test]
    public async Task AFailedFirstCopyIntoANewLayoutWritesNoIndex()
    {
        var layout = PathIn("layout");
        Assert.ThrowsAsync<IOException>(() => CopyAsync(new FailingImageSource(FixtureAlpine(), FixtureStore.Amd64LayerDigest), new OciLayoutDestination(layout, "x"), Amd64));
        Assert.That(File.Exists(Path.Combine(layout, "index.json")), Is.False);
        Assert.That(File.Exists(Path.Combine(layout, "blobs", "sha256", FixtureStore.Amd64LayerDigest[7..])), Is.False);
        Assert.That(Directory.GetFiles(layout, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [TestCase("sha256:../../../../etc/passwd")]
    [TestCase("sha256:..%2f..%2fetc")]
    [TestCase("sha512:aaaa")]
    [TestCase("sha256:/etc/passwd")]
    public async Task An_index_entry_naming_a_path_instead_of_a_digest_is_refused(string digest)
    {
        var layout = await WriteFixtureLayoutAsync();
        RewriteIndex(layout, entries => entries[0]!["digest"] = digest);
        await using var source = new OciLayoutSource(layout, "v1");
        var error = Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None));
        Assert.That(error!.Message, Does.Contain("not a sha256:<64 lowercase hex> digest"));
    }

    [Test]
    public async Task AnEntryOfAnotherDigestAlgorithmDoesNotSpoilTheOtherTags()
    {
        var layout = await WriteFixtureLayoutAsync();
        RewriteIndex(layout, entries => entries.Add(JsonNode.Parse(
            "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha512:" + new string('a', 128)
            + "\",\"size\":10,\"annotations\":{\"org.opencontainers.image.ref.name\":\"sha512-tag\"}}")));
        await using (var source = new OciLayoutSource(layout, "v1"))
            Assert.That((await source.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        await using (var other = new OciLayoutSource(layout, "sha512-tag"))
            Assert.That(Assert.ThrowsAsync<S3loException>(() => other.GetRootAsync(None))!.Message, Does.Contain("not a sha256"));

        // A tag added by s3lo keeps the foreign entry.
        await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "v2"), Amd64);
        Assert.That(IndexEntries(layout).Select(RefName), Is.EqualTo(new[] { "v1", "sha512-tag", "v2" }));
    }

    [Test]
    public async Task ABlobsDirectoryThatIsASymlinkOutOfTheLayoutIsRefusedForReadingAndWriting()
    {
        var layout = await WriteFixtureLayoutAsync();
        var outside = Temp.Sub("outside");
        Directory.Move(Path.Combine(layout, "blobs"), Path.Combine(outside, "blobs"));
        Directory.CreateSymbolicLink(Path.Combine(layout, "blobs"), Path.Combine(outside, "blobs"));

        await using (var source = new OciLayoutSource(layout, "v1"))
            Assert.That(Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None))!.Message, Does.Contain("symlink"));
        var error = Assert.ThrowsAsync<S3loException>(() => CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "v2"), Amd64));
        Assert.That(error!.Message, Does.Contain("symlink"));
    }

    [Test]
    public async Task ABlobThatIsASymlinkIsNotFollowed()
    {
        var layout = await WriteFixtureLayoutAsync();
        var config = Path.Combine(layout, "blobs", "sha256", FixtureStore.Amd64ConfigDigest[7..]);
        var moved = PathIn("config-elsewhere");
        File.Move(config, moved);
        File.CreateSymbolicLink(config, moved);
        var error = Assert.ThrowsAsync<S3loException>(() => CopyAsync(new OciLayoutSource(layout, "v1"), new BucketImageDestination(Bucket, "a", "b", TimeProvider.System)));
        Assert.That(error!.Message, Does.Contain("symlink"));
        Assert.That(await Bucket.ReadTagAsync("a", "b", None), Is.Null);
    }

    [Test]
    public async Task LayoutFilesAreCheckedVersionSizeAndShape()
    {
        var layout = await WriteFixtureLayoutAsync();
        File.WriteAllText(Path.Combine(layout, "oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
        await using (var source = new OciLayoutSource(layout, "v1"))
            Assert.That(Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None))!.Message, Does.Contain("unsupported OCI image layout version '2.0.0'"));

        File.Delete(Path.Combine(layout, "oci-layout"));
        await using (var source = new OciLayoutSource(layout, "v1"))
            Assert.That(Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None))!.Message, Does.Contain("no oci-layout file"));

        File.WriteAllBytes(Path.Combine(layout, "oci-layout"), OciLayoutFileBytes);
        RewriteIndex(layout, entries => entries[0]!["size"] = 100L * 1024 * 1024);
        await using (var source = new OciLayoutSource(layout, "v1"))
            Assert.That(Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None))!.Message, Does.Contain("manifests are at most"));

        File.WriteAllText(Path.Combine(layout, "index.json"), "{\"schemaVersion\":2,\"manifests\":null}");
        await using (var source = new OciLayoutSource(layout, "v1"))
            Assert.That(Assert.ThrowsAsync<S3loException>(() => source.GetRootAsync(None))!.Message, Does.Contain("not an OCI image index"));

        await using (var missing = new OciLayoutSource(PathIn("nothing-here"), "v1"))
            Assert.ThrowsAsync<NotFoundException>(() => missing.GetRootAsync(None));
    }

    [Test]
    public async Task AManifestWhoseBytesDoNotMatchTheIndexDigestIsRefused()
    {
        var layout = await WriteFixtureLayoutAsync();
        var manifest = Path.Combine(layout, "blobs", "sha256", FixtureStore.Amd64ManifestDigest[7..]);
        var bytes = File.ReadAllBytes(manifest);
        bytes[bytes.Length - 2] = (byte)' ';
        File.WriteAllBytes(manifest, bytes);
        await using var source = new OciLayoutSource(layout, "v1");
        var error = Assert.ThrowsAsync<DigestMismatchException>(() => source.GetRootAsync(None));
        Assert.That(error!.Expected, Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public async Task ANonEmptyDirectoryThatIsNotALayoutIsNotWrittenInto()
    {
        var directory = Temp.Sub("home");
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "mine");
        var error = Assert.ThrowsAsync<S3loException>(() => CopyAsync(FixtureAlpine(), new OciLayoutDestination(directory, "v1"), Amd64));
        Assert.That(error!.Message, Does.Contain("not empty and not an OCI image layout"));
        Assert.That(Directory.GetFileSystemEntries(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
    }

    [Test]
    public async Task CopyingTheSameImageAgainSkipsEveryBlobAndReportsUnchanged()
    {
        var layout = PathIn("layout");
        await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "v1"), Amd64);
        var again = await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "v1"), Amd64);
        Assert.That(again.BlobsCopied, Is.Zero);
        Assert.That(again.BlobsSkipped, Is.EqualTo(2));
        Assert.That(again.Commit.Unchanged, Is.True);
    }

    private static readonly byte[] OciLayoutFileBytes = Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}");

    private async Task<string> WriteFixtureLayoutAsync()
    {
        var layout = PathIn("layout-" + Guid.NewGuid().ToString("N")[..6]);
        await CopyAsync(FixtureAlpine(), new OciLayoutDestination(layout, "v1"), Amd64);
        return layout;
    }

    private static void RewriteIndex(string layout, Action<JsonArray> change)
    {
        var path = Path.Combine(layout, "index.json");
        var index = JsonNode.Parse(File.ReadAllBytes(path))!;
        change(index["manifests"]!.AsArray());
        File.WriteAllText(path, index.ToJsonString());
    }
}
