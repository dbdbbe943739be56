using System.Formats.Tar;
using System.Text;
using S3lo.Core.Archives;
using S3lo.Core.Bucket;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;

namespace S3lo.Core.Tests.Archives;

/// <summary>
/// A copy into an existing oci-archive keeps the other tags and exactly the blobs they reach: a replaced tag's
/// layers and blobs nothing points to are dropped, what cannot be parsed is carried whole.
/// </summary>
[TestFixture]
public class OciArchiveCarryOverTests() : ArchiveFixture("carry-over")
{
    private Task<TransferReport> CopyToArchiveAsync(string repository, string archive, string tag) =>
        CopyAsync(new BucketImageSource(Bucket, repository, "v1", null), new OciArchiveDestination(archive, tag), concurrency: 4);

    private async Task<ManifestBlob> PutSingleAsync(string repository, string seed)
    {
        var image = await LayoutTestImages.PutImageAsync(Bucket, "linux", "amd64", null, seed);
        await new ImageBuilder(Bucket).TagAsync(repository, "v1", image);
        return image;
    }

    /// <summary>The names under blobs/sha256/ in the tar, with their bytes.</summary>
    private static async Task<SortedDictionary<string, byte[]>> BlobsInAsync(string archive)
    {
        var blobs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        await using var reader = new TarReader(File.OpenRead(archive));
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (entry.EntryType != TarEntryType.RegularFile || !entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal)) continue;
            using var data = new MemoryStream();
            await entry.DataStream!.CopyToAsync(data);
            blobs.Add(entry.Name["blobs/sha256/".Length..], data.ToArray());
        }
        return blobs;
    }

    private async Task AssertReadsBackAsync(string archive, string tag, string digest)
    {
        var back = PathIn("back-" + tag + "-" + Guid.NewGuid().ToString("N")[..6]);
        var report = await CopyAsync(new OciArchiveSource(archive, tag), new OciLayoutDestination(back, tag), concurrency: 4);
        Assert.That(report.Digest.ToString(), Is.EqualTo(digest), tag);
    }

    [Test]
    public async Task ReplacingATagDropsItsOldBlobsAndKeepsExactlyWhatTheOtherTagsReach()
    {
        var a = await PutSingleAsync("a", "image A");
        var b = await LayoutTestImages.PutMultiArchAsync(Bucket, "b", "v1", "image B"); // nested: index → manifests
        var c = await PutSingleAsync("c", "image C");
        // What B and C are, each alone in an archive: the combined one must hold exactly their union.
        await CopyToArchiveAsync("b", PathIn("b-only.tar"), "y");
        await CopyToArchiveAsync("c", PathIn("c-only.tar"), "x");
        var expected = new SortedDictionary<string, byte[]>(await BlobsInAsync(PathIn("b-only.tar")), StringComparer.Ordinal);
        foreach (var (name, bytes) in await BlobsInAsync(PathIn("c-only.tar"))) expected[name] = bytes;

        var archive = PathIn("shared.tar");
        await CopyToArchiveAsync("a", archive, "x");
        await CopyToArchiveAsync("b", archive, "y");
        var before = await BlobsInAsync(archive);
        Assert.That(before.Keys, Does.Contain(a.Manifest!.Layers[0].Digest[7..]), "A is there until its tag moves");
        var replaced = await CopyToArchiveAsync("c", archive, "x");

        Assert.That(replaced.Commit.PreviousDigest?.ToString(), Is.EqualTo(a.Digest.ToString()));
        var after = await BlobsInAsync(archive);
        Assert.That(after.Keys, Is.EqualTo(expected.Keys));
        foreach (var (name, bytes) in expected) Assert.That(after[name], Is.EqualTo(bytes), name);
        await AssertReadsBackAsync(archive, "x", c.Digest.ToString());
        await AssertReadsBackAsync(archive, "y", b.Digest.ToString());
    }

    [Test]
    public async Task BlobsTheReplacedTagSharesWithAKeptTagStay()
    {
        var a = await PutSingleAsync("a", "image A");
        var c = await PutSingleAsync("c", "image C");
        var archive = PathIn("shared.tar");
        await CopyToArchiveAsync("a", archive, "x");
        await CopyToArchiveAsync("a", archive, "y");
        await CopyToArchiveAsync("c", archive, "x");

        var names = (await BlobsInAsync(archive)).Keys;
        foreach (var blob in a.Manifest!.Layers.Append(a.Manifest.Config).Append(a.ToDescriptor()))
            Assert.That(names, Does.Contain(blob.Digest[7..]));
        await AssertReadsBackAsync(archive, "y", a.Digest.ToString());
        await AssertReadsBackAsync(archive, "x", c.Digest.ToString());
    }

    [Test]
    public async Task WhatAKeptTagPointsToButCannotBeParsedIsCarriedWhole()
    {
        var broken = "{\"schemaVersion\": 2, \"config\": "u8.ToArray(); // cut short: not JSON
        var brokenChild = "not a manifest at all"u8.ToArray();
        var artifact = "an SBOM, not a manifest"u8.ToArray();
        var orphan = "nothing points here"u8.ToArray();
        var index = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":["
            + $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{Sha.Of(brokenChild)}\",\"size\":{brokenChild.Length}}},"
            + $"{{\"mediaType\":\"application/vnd.example.sbom+json\",\"digest\":\"{Sha.Of(artifact)}\",\"size\":{artifact.Length}}}]}}");
        var indexJson = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"manifests\":["
            + $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{Sha.Of(broken)}\",\"size\":{broken.Length},\"annotations\":{{\"org.opencontainers.image.ref.name\":\"broken\"}}}},"
            + $"{{\"mediaType\":\"{MediaTypes.OciIndex}\",\"digest\":\"{Sha.Of(index)}\",\"size\":{index.Length},\"annotations\":{{\"org.opencontainers.image.ref.name\":\"nested\"}}}}]}}");
        // Written by hand: no tool here makes a layout whose manifests do not parse.
        var archive = PathIn("odd.tar");
        await using (var output = File.Create(archive))
        await using (var writer = new TarWriter(output, TarEntryFormat.Pax))
        {
            async Task Add(string name, byte[] bytes) =>
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            await Add("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray());
            foreach (var blob in new[] { broken, brokenChild, artifact, orphan, index })
                await Add("blobs/sha256/" + Sha.Of(blob)[7..], blob);
            await Add("index.json", indexJson);
        }

        var a = await PutSingleAsync("a", "image A");
        await CopyToArchiveAsync("a", archive, "x");

        var blobs = await BlobsInAsync(archive);
        foreach (var kept in new[] { broken, brokenChild, artifact, index })
            Assert.That(blobs[Sha.Of(kept)[7..]], Is.EqualTo(kept));
        Assert.That(blobs.Keys, Does.Not.Contain(Sha.Of(orphan)[7..]));
        Assert.That(blobs, Has.Count.EqualTo(4 + 2 + a.Manifest!.Layers.Count));
        await AssertReadsBackAsync(archive, "x", a.Digest.ToString());
        await using var source = new OciArchiveSource(archive, "nested");
        Assert.That((await source.GetRootAsync(None)).Digest.ToString(), Is.EqualTo(Sha.Of(index)));
    }
}
