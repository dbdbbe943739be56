using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Writes small single-platform images into an OCI layout (no Docker needed), one layer per seed, so
/// images share a layer exactly when they share a seed: the raw material for copies into a bucket.
/// </summary>
public static class OciLayoutImages
{
    /// <summary>Adds an image tagged <paramref name="tag"/> to the layout at <paramref name="directory"/>; returns its manifest digest.</summary>
    public static string Write(string directory, string tag, params int[] layerSeeds)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var layers = new List<string>();
        var diffIds = new List<string>();
        foreach (var seed in layerSeeds)
        {
            var tar = TarFiles.One($"data/{seed}.bin", Random(seed, 2048 + seed % 512));
            diffIds.Add("sha256:" + Hex(tar));
            var gz = Gzip(tar);
            layers.Add($"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{Put(blobs, gz)}\",\"size\":{gz.Length}}}");
        }
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Env":["TAG={{{tag}}}"]},"rootfs":{"type":"layers","diff_ids":[{{{string.Join(",", diffIds.Select(d => $"\"{d}\""))}}}]}}""");
        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Put(blobs, config)}}}","size":{{{config.Length}}}},"layers":[{{{string.Join(",", layers)}}}]}""");
        var digest = Put(blobs, manifest);
        var indexPath = Path.Combine(directory, "index.json");
        var entries = File.Exists(indexPath) ? ReadEntries(indexPath) : [];
        entries.Add($$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{digest}}}","size":{{{manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}""");
        File.WriteAllText(indexPath, $$"""{"schemaVersion":2,"manifests":[{{string.Join(",", entries)}}]}""");
        return digest;
    }

    private static List<string> ReadEntries(string indexPath)
    {
        using var index = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(indexPath));
        return [.. index.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.GetRawText())];
    }

    private static string Put(string blobs, byte[] bytes)
    {
        var hex = Hex(bytes);
        File.WriteAllBytes(Path.Combine(blobs, hex), bytes);
        return "sha256:" + hex;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Random(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }
}
