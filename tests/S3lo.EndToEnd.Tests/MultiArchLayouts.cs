using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Writes a two-platform image (linux/amd64 and linux/arm64/v8, one small layer each) into an OCI layout
/// under one tag, without Docker: the raw material for a multi-arch image copied into a bucket.
/// </summary>
public static class MultiArchLayouts
{
    public static readonly string[] Platforms = ["linux/amd64", "linux/arm64/v8"];

    /// <summary>Writes the layout at <paramref name="directory"/>; returns the index digest.</summary>
    public static string Write(string directory, string tag)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var entries = new List<string>();
        foreach (var platform in Platforms)
        {
            var parts = platform.Split('/');
            var variant = parts.Length == 3 ? $",\"variant\":\"{parts[2]}\"" : "";
            var tar = TarFiles.One($"etc/{parts[1]}.txt", Encoding.UTF8.GetBytes($"built for {platform}\n"));
            var gz = Gzip(tar);
            var config = Encoding.UTF8.GetBytes(
                $$$"""{"architecture":"{{{parts[1]}}}","os":"{{{parts[0]}}}"{{{variant}}},"config":{},"rootfs":{"type":"layers","diff_ids":["sha256:{{{Hex(tar)}}}"]}}""");
            var manifest = Encoding.UTF8.GetBytes(
                $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Put(blobs, config)}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{Put(blobs, gz)}}}","size":{{{gz.Length}}}}]}""");
            entries.Add($$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Put(blobs, manifest)}}}","size":{{{manifest.Length}}},"platform":{"architecture":"{{{parts[1]}}}","os":"{{{parts[0]}}}"{{{variant}}}}}""");
        }
        var index = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{{string.Join(",", entries)}}}]}""");
        var digest = Put(blobs, index);
        File.WriteAllText(Path.Combine(directory, "index.json"),
            $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{{{digest}}}","size":{{{index.Length}}},"annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}]}""");
        return digest;
    }

    private static string Put(string blobs, byte[] bytes)
    {
        var hex = Hex(bytes);
        File.WriteAllBytes(Path.Combine(blobs, hex), bytes);
        return "sha256:" + hex;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }
}
