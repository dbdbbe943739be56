using System.Formats.Tar;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>Copying a tag into an oci-archive again and again: the file keeps the other tags, not every old version.</summary>
public sealed class ArchiveCarryOverTests
{
    private static readonly string[] Images = ["s3lo-e2e/carry-a:1", "s3lo-e2e/carry-b:1", "s3lo-e2e/carry-c:1"];

    [OneTimeSetUp]
    public void BuildImages()
    {
        DockerCli.RequireDaemon();
        for (var i = 0; i < Images.Length; i++)
        {
            DockerCli.RemoveImage(Images[i]);
            TestImages.Build(Images[i], seed: 41 + i, extraLayers: 1, layerBytes: 20_000);
        }
    }

    [OneTimeTearDown]
    public void RemoveImages()
    {
        foreach (var image in Images) DockerCli.RemoveImage(image);
    }

    [Test]
    public void ReplacingATagDropsItsOldLayersAndKeepsTheOtherTag()
    {
        using var store = new TempStore();
        foreach (var (image, name) in Images.Zip(new[] { "a", "b", "c" }))
        {
            var push = S3loBinary.Run("push", image, store.Ref(name + ":1"));
            Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        }
        var archive = Path.Combine(store.Parent, "nightly.tar");
        Copy(store.Ref("a:1"), $"oci-archive:{archive}:x");
        var b = Copy(store.Ref("b:1"), $"oci-archive:{archive}:y");
        var c = Copy(store.Ref("c:1"), $"oci-archive:{archive}:x");
        Copy(store.Ref("b:1"), $"oci-archive:{Path.Combine(store.Parent, "b.tar")}:y");
        Copy(store.Ref("c:1"), $"oci-archive:{Path.Combine(store.Parent, "c.tar")}:x");

        var expected = BlobNames(Path.Combine(store.Parent, "b.tar")).Union(BlobNames(Path.Combine(store.Parent, "c.tar"))).Order();
        Assert.That(BlobNames(archive).Order(), Is.EqualTo(expected));
        foreach (var (tag, digest) in new[] { ("x", c), ("y", b) })
        {
            var skopeo = Processes.Run("skopeo", ["inspect", "--raw", $"oci-archive:{archive}:{tag}"]);
            Assert.That(skopeo.ExitCode, Is.EqualTo(0), skopeo.ToString);
            Assert.That("sha256:" + StoreChecker.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(skopeo.Stdout.TrimEnd('\n'))), Is.EqualTo(digest), tag);
            var back = S3loBinary.Run("copy", $"oci-archive:{archive}:{tag}", store.Ref("back:" + tag), "--output", "json");
            Assert.That(back.ExitCode, Is.EqualTo(0), back.ToString);
            Assert.That(JsonDocument.Parse(back.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(digest), tag);
        }
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
    }

    /// <summary>Copies and returns the digest copied.</summary>
    private static string Copy(string from, string to)
    {
        var r = S3loBinary.Run("copy", from, to, "--output", "json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("digest").GetString()!;
    }

    private static List<string> BlobNames(string archive)
    {
        var names = new List<string>();
        using var reader = new TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
            if (entry.EntryType == TarEntryType.RegularFile && entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal)) names.Add(entry.Name);
        return names;
    }
}
