using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>s3lo cat: one file of a stored image, its bytes exactly, on stdout or in a file.</summary>
public sealed class CatCommandTests
{
    [Test]
    public void OsReleaseOfTheFixtureIsTheLayersOwnBytes()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        // Alpine's /etc/os-release is a symlink to ../usr/lib/os-release: cat follows it.
        var expected = FileOfAmd64Layer(store.Root, "usr/lib/os-release");

        var (exit, stdout, stderr) = RunBinary("cat", store.Ref("alpine:latest"), "/etc/os-release", "--platform", "linux/amd64");

        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(Convert.ToHexString(SHA256.HashData(stdout)), Is.EqualTo(Convert.ToHexString(SHA256.HashData(expected))));
        Assert.That(Encoding.UTF8.GetString(stdout), Does.Contain("ID=alpine"));
    }

    [Test]
    public void TheMissingArm64LayerFailsWithOneLine()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("cat", store.Ref("alpine:latest"), "/etc/os-release", "--platform", "linux/arm64");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.Stdout, Is.Empty);
        Assert.That(r.StderrLines[0], Does.StartWith("error: blob sha256:").And.Contain("is missing from"));
    }

    [Test]
    public void WhiteoutReplaceAndOpaqueHoldInAStoreCopiedFromAnOciLayout()
    {
        using var store = new TempStore();
        var layout = Path.Combine(store.Parent, "layout");
        WriteLayout(layout, "1",
            Tar(("etc/gone", "old"u8.ToArray()), ("etc/motd", "first"u8.ToArray()), ("var/lib/old", "old"u8.ToArray())),
            Tar(("etc/.wh.gone", []), ("etc/motd", "second"u8.ToArray()), ("var/lib/.wh..wh..opq", []), ("var/lib/new", "new"u8.ToArray())));
        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:1", store.Ref("app:1")).ExitCode, Is.EqualTo(0));

        Assert.That(RunBinary("cat", store.Ref("app:1"), "etc/motd").Stdout, Is.EqualTo("second"u8.ToArray()));
        Assert.That(RunBinary("cat", store.Ref("app:1"), "/var/lib/new").Stdout, Is.EqualTo("new"u8.ToArray()));
        var gone = S3loBinary.Run("cat", store.Ref("app:1"), "/etc/gone");
        Assert.That(gone.ExitCode, Is.EqualTo(1), gone.ToString);
        Assert.That(gone.StderrLines[0], Does.StartWith("error: /etc/gone: no such file in ").And.EndWith("/app:1 (linux/amd64)"));
        Assert.That(S3loBinary.Run("cat", store.Ref("app:1"), "/var/lib/old").ExitCode, Is.EqualTo(1));
        Assert.That(S3loBinary.Run("cat", store.Ref("app:1"), "../etc/motd").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void BinaryBytesComeThroughStdoutAndOutputFileUnchanged()
    {
        using var store = new TempStore();
        var layout = Path.Combine(store.Parent, "layout");
        var binary = new byte[70_000];
        new Random(3).NextBytes(binary);
        binary[0] = 0; binary[1] = 0x0A; binary[2] = 0x0D; binary[3] = 0;
        WriteLayout(layout, "1", Tar(("bin/blob", binary)));
        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:1", store.Ref("app:1")).ExitCode, Is.EqualTo(0));

        var (exit, stdout, stderr) = RunBinary("cat", store.Ref("app:1"), "/bin/blob");
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Is.EqualTo(binary));

        var target = Path.Combine(store.Parent, "out.bin");
        var toFile = S3loBinary.Run("cat", store.Ref("app:1"), "/bin/blob", "-o", target);
        Assert.That(toFile.ExitCode, Is.EqualTo(0), toFile.ToString);
        Assert.That(toFile.Stdout, Is.Empty);
        Assert.That(File.ReadAllBytes(target), Is.EqualTo(binary));
        Assert.That(Directory.GetFiles(store.Parent, "*.s3lo-tmp"), Is.Empty);
    }

    [Test]
    public void AReplacedFileOnCephHasTheNewBytes()
    {
        using var bucket = S3Server.CreateBucket();
        using var scratch = new TempStore();
        var layout = Path.Combine(scratch.Parent, "layout");
        WriteLayout(layout, "1", Tar(("etc/motd", "first"u8.ToArray())), Tar(("etc/motd", "second"u8.ToArray())));
        Assert.That(S3loBinary.Run("copy", $"oci:{layout}:1", bucket.Ref("app:1"), "--endpoint", S3Server.Endpoint).ExitCode, Is.EqualTo(0));

        var (exit, stdout, stderr) = RunBinary("cat", bucket.Ref("app:1"), "/etc/motd", "--endpoint", S3Server.Endpoint);
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Is.EqualTo("second"u8.ToArray()));
    }

    private static (int Exit, byte[] Stdout, string Stderr) RunBinary(params string[] args)
    {
        var start = new ProcessStartInfo(S3loBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    /// <summary>The file as the amd64 image's (single) layer holds it, read here with no s3lo code.</summary>
    private static byte[] FileOfAmd64Layer(string storeRoot, string path)
    {
        var blobs = Path.Combine(storeRoot, "blobs", "sha256");
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(storeRoot, "manifests", "alpine", "latest", "manifest.json")));
        var amd64 = index.RootElement.GetProperty("manifests").EnumerateArray().First(m =>
            m.TryGetProperty("platform", out var p) && p.GetProperty("architecture").GetString() == "amd64").GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(blobs, amd64["sha256:".Length..])));
        var layer = manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;
        using var tar = new TarReader(new GZipStream(File.OpenRead(Path.Combine(blobs, layer["sha256:".Length..])), CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') != path || entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            return copy.ToArray();
        }
        throw new InvalidOperationException($"{path} is not in the fixture's amd64 layer");
    }

    private static byte[] Tar(params (string Path, byte[] Content)[] files)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (path, content) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content) });
        return output.ToArray();
    }

    /// <summary>An OCI layout with one image of gzip layers from these tars.</summary>
    private static void WriteLayout(string directory, string tag, params byte[][] tars)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var layers = new List<string>();
        var diffIds = new List<string>();
        foreach (var tar in tars)
        {
            diffIds.Add("\"sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)) + "\"");
            using var gz = new MemoryStream();
            using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(tar);
            var bytes = gz.ToArray();
            layers.Add($"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{Put(blobs, bytes)}\",\"size\":{bytes.Length}}}");
        }
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[{{{string.Join(",", diffIds)}}}]}}""");
        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Put(blobs, config)}}}","size":{{{config.Length}}}},"layers":[{{{string.Join(",", layers)}}}]}""");
        var digest = Put(blobs, manifest);
        File.WriteAllText(Path.Combine(directory, "index.json"),
            $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{digest}}}","size":{{{manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}]}""");
    }

    private static string Put(string blobs, byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(blobs, hex), bytes);
        return "sha256:" + hex;
    }
}
