using System.Security.Cryptography;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Checks a local store from the outside, without product code: every blob file hashes to its
/// name, and every tag's manifest (and what its index references) points only at present blobs.
/// </summary>
public static class StoreChecker
{
    public static List<string> Problems(string storeRoot)
    {
        var problems = new List<string>();
        var blobDir = Path.Combine(storeRoot, "blobs", "sha256");
        if (Directory.Exists(blobDir))
        {
            foreach (var file in Directory.EnumerateFiles(blobDir))
            {
                var actual = Sha256Hex(File.ReadAllBytes(file));
                if (actual != Path.GetFileName(file)) problems.Add($"blob {Path.GetFileName(file)} hashes to {actual}");
            }
        }
        foreach (var (repository, tag) in Tags(storeRoot))
        {
            var manifest = File.ReadAllBytes(Path.Combine(storeRoot, "manifests", repository, tag, "manifest.json"));
            CheckDocument(storeRoot, manifest, $"{repository}:{tag}", problems);
        }
        return problems;
    }

    public static List<(string Repository, string Tag)> Tags(string storeRoot)
    {
        var root = Path.Combine(storeRoot, "manifests");
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, "manifest.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Select(rel => (rel[..rel.LastIndexOf('/')], rel[(rel.LastIndexOf('/') + 1)..]))
            .ToList();
    }

    public static string BlobPath(string storeRoot, string digest) =>
        Path.Combine(storeRoot, "blobs", "sha256", digest["sha256:".Length..]);

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void CheckDocument(string storeRoot, byte[] bytes, string what, List<string> problems)
    {
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        if (root.TryGetProperty("manifests", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                var digest = child.GetProperty("digest").GetString()!;
                var path = BlobPath(storeRoot, digest);
                if (!File.Exists(path)) { problems.Add($"{what}: manifest {digest} missing"); continue; }
                CheckDocument(storeRoot, File.ReadAllBytes(path), $"{what} -> {digest[..19]}", problems);
            }
            return;
        }
        var referenced = new List<string> { root.GetProperty("config").GetProperty("digest").GetString()! };
        referenced.AddRange(root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!));
        foreach (var digest in referenced)
        {
            if (!File.Exists(BlobPath(storeRoot, digest))) problems.Add($"{what}: blob {digest} missing");
        }
    }
}
