using System.Text.Json;
using System.Text.Json.Nodes;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// The multi-arch alpine through a real registry and every bucket scheme and back, index kept
/// byte-exact. The fixture lacks the linux/arm64 layer on purpose, so the index seeded here
/// leaves out that platform and its attestation (everything else is the real Docker Hub index).
/// </summary>
[NonParallelizable]
public sealed class MultiArchRegistryTests
{
    private const string Amd64Config = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";
    private static readonly string[] Schemes = ["local", "s3", "gs", "az"];

    [Test]
    public void IndexSurvivesRegistryToEveryBucketAndBackAndDockerPullsIt()
    {
        DockerCli.RequireDaemon();
        var registry = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY") ?? throw new AssertionException("S3LO_TEST_REGISTRY is not set: eval \"$(eng/services.sh env)\"");
        var run = Guid.NewGuid().ToString("N")[..12];
        var seeded = $"{registry}/e2e-{run}/alpine:multi";
        var (indexDigest, platforms) = SeedReducedIndex(seeded);

        var buckets = Schemes.ToDictionary(s => s, s => TestBucket.Create(s));
        try
        {
            foreach (var scheme in Schemes)
            {
                var into = TestBucket.S3lo("copy", seeded, buckets[scheme].Ref("alpine:multi"), "--output", "json");
                Assert.That(into.ExitCode, Is.EqualTo(0), () => $"registry -> {scheme}: {into}");
                var result = JsonDocument.Parse(into.Stdout).RootElement;
                Assert.That(result.GetProperty("digest").GetString(), Is.EqualTo(indexDigest), scheme);
                Assert.That(result.GetProperty("platforms").GetArrayLength(), Is.EqualTo(platforms), scheme);

                var outTo = $"{registry}/e2e-{run}/from-{scheme}:multi";
                var back = TestBucket.S3lo("copy", buckets[scheme].Ref("alpine:multi"), outTo, "--output", "json");
                Assert.That(back.ExitCode, Is.EqualTo(0), () => $"{scheme} -> registry: {back}");
                Assert.That(JsonDocument.Parse(back.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(indexDigest), scheme);
                var raw = Processes.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://" + outTo]);
                Assert.That("sha256:" + StoreChecker.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(raw.Stdout.TrimEnd('\n'))), Is.EqualTo(indexDigest), scheme);
            }
        }
        finally
        {
            foreach (var bucket in buckets.Values) bucket.Dispose();
        }

        var pulled = $"{registry}/e2e-{run}/from-az:multi";
        DockerCli.RemoveImage(Amd64Config);
        try
        {
            DockerCli.MustRun("pull", pulled);
            Assert.That(DockerCli.ImageId(pulled), Is.EqualTo(Amd64Config), "docker picks linux/amd64 from the index");
        }
        finally
        {
            DockerCli.RemoveImage(pulled);
        }
    }

    /// <summary>The fixture's index without linux/arm64 (whose layer is missing), pushed with skopeo --all; returns its digest.</summary>
    private static (string Digest, int Platforms) SeedReducedIndex(string reference)
    {
        var fixture = Repo.FixtureStore;
        var index = JsonNode.Parse(File.ReadAllBytes(Path.Combine(fixture, "manifests", "alpine", "latest", "manifest.json")))!.AsObject();
        var manifests = index["manifests"]!.AsArray();
        var arm64 = manifests.First(m => (string?)m!["platform"]!["architecture"] == "arm64")!["digest"]!.GetValue<string>();
        foreach (var entry in manifests.Where(m =>
                     (string?)m!["digest"] == arm64 || (string?)m!["annotations"]?["vnd.docker.reference.digest"] == arm64).ToList())
            manifests.Remove(entry);
        var bytes = System.Text.Encoding.UTF8.GetBytes(index.ToJsonString());
        var digest = "sha256:" + StoreChecker.Sha256Hex(bytes);
        var platforms = manifests.Count(m => (string?)m!["platform"]!["os"] != "unknown");

        var layout = Directory.CreateTempSubdirectory("s3lo-e2e-layout-").FullName;
        try
        {
            var blobs = Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256")).FullName;
            foreach (var blob in Directory.GetFiles(Path.Combine(fixture, "blobs", "sha256"))) File.Copy(blob, Path.Combine(blobs, Path.GetFileName(blob)));
            File.WriteAllBytes(Path.Combine(blobs, digest["sha256:".Length..]), bytes);
            File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
            File.WriteAllText(Path.Combine(layout, "index.json"),
                $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{{{digest}}}","size":{{{bytes.Length}}},"annotations":{"org.opencontainers.image.ref.name":"alpine"}}]}""");
            var skopeo = Processes.Run("skopeo", ["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", $"oci:{layout}:alpine", "docker://" + reference]);
            Assert.That(skopeo.ExitCode, Is.EqualTo(0), skopeo.ToString);
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
        return (digest, platforms);
    }
}
