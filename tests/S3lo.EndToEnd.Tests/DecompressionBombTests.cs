using System.Security.Cryptography;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A crafted OCI layout whose zstd layer is a few KB that expand to 64 MiB: written to a docker-archive
/// (which stores layers decompressed) it must stop at the limit, not fill the disk.
/// </summary>
public sealed class DecompressionBombTests
{
    private const int Expanded = 64 * 1024 * 1024;

    [Test]
    public void AZstdBombFailsWithOneLineAndLeavesNothing()
    {
        using var temp = new TempStore(initialize: false);
        var (layout, layerDigest) = BombLayout(temp.Parent);
        var output = Path.Combine(temp.Parent, "out", "bomb.tar");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var copy = S3loBinary.Run("copy", $"oci:{layout}:bomb", $"docker-archive:{output}:bomb:1");

        Assert.That(copy.ExitCode, Is.EqualTo(1), copy.ToString);
        Assert.That(copy.StderrLines[0], Does.StartWith($"error: zstd layer {layerDigest} decompresses to more than 16777216 bytes, its limit"));
        Assert.That(copy.StderrLines[1], Does.StartWith("hint: if the layer is genuine, raise S3LO_MAX_DECOMPRESSION_RATIO (now 100;"));
        Assert.That(Directory.GetFileSystemEntries(Path.GetDirectoryName(output)!), Is.Empty, "no archive, no partial layer, no temp file");
    }

    [Test]
    public void TheRatioIsConfigurable()
    {
        using var temp = new TempStore(initialize: false);
        var (layout, _) = BombLayout(temp.Parent);
        var output = Path.Combine(temp.Parent, "bomb.tar");

        var bad = S3loBinary.Run(["copy", $"oci:{layout}:bomb", $"docker-archive:{output}:bomb:1"],
            new Dictionary<string, string?> { ["S3LO_MAX_DECOMPRESSION_RATIO"] = "lots" }, null);
        Assert.That(bad.ExitCode, Is.EqualTo(2), bad.ToString);
        Assert.That(bad.StderrLines[0], Is.EqualTo("error: S3LO_MAX_DECOMPRESSION_RATIO is 'lots', not a whole number of 1 or more"));

        var allowed = S3loBinary.Run(["copy", $"oci:{layout}:bomb", $"docker-archive:{output}:bomb:1"],
            new Dictionary<string, string?> { ["S3LO_MAX_DECOMPRESSION_RATIO"] = "1000000" }, null);
        Assert.That(allowed.ExitCode, Is.EqualTo(0), allowed.ToString);
        Assert.That(new FileInfo(output).Length, Is.GreaterThan(Expanded));
    }

    /// <summary>An OCI layout tagged 'bomb': one zstd layer of 64 MiB of zeros.</summary>
    private static (string Layout, string LayerDigest) BombLayout(string parent)
    {
        var layout = Directory.CreateDirectory(Path.Combine(parent, "bomb-layout")).FullName;
        var blobs = Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256")).FullName;
        var plain = Path.Combine(parent, "zeros");
        File.WriteAllBytes(plain, new byte[Expanded]);
        var zstd = Processes.Run("zstd", ["-q", "-19", "-f", plain, "-o", plain + ".zst"]);
        Assert.That(zstd.ExitCode, Is.EqualTo(0), zstd.ToString);
        var layer = File.ReadAllBytes(plain + ".zst");
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(plain)));
        File.Delete(plain);
        File.Delete(plain + ".zst");

        string Put(byte[] bytes)
        {
            var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
            File.WriteAllBytes(Path.Combine(blobs, hex), bytes);
            return "sha256:" + hex;
        }
        var layerDigest = Put(layer);
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
        var configDigest = Put(config);
        var manifest = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{configDigest}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"{{{layerDigest}}}","size":{{{layer.Length}}}}]}""");
        var manifestDigest = Put(manifest);
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(layout, "index.json"),
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"bomb"}}]}""");
        return (layout, layerDigest);
    }
}
