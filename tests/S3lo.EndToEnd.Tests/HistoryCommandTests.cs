using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;

namespace S3lo.EndToEnd.Tests;

/// <summary>history through the published binary: provenance written by push and copy, --all, and s3lo v1 stores.</summary>
[NonParallelizable]
public sealed class HistoryCommandTests
{
    private const string Image = "s3lo-e2e/history:src";
    // Pushed over Image's tag: same base content, a different layer, so a different digest.
    private const string Changed = "s3lo-e2e/history:changed";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image, Changed);
        TestImages.Build(Image, seed: 11, extraLayers: 1, layerBytes: 100_000);
        TestImages.Build(Changed, seed: 12, extraLayers: 1, layerBytes: 100_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image, Changed);

    [TestCase("s3")]
    [TestCase("gs")]
    [TestCase("az")]
    [TestCase("local")]
    public void AnOverwrittenTagAndItsCopyShowTheirSourcesTheSupersededPushAndTheImageSize(string scheme)
    {
        using var bucket = TestBucket.Create(scheme);
        Assert.That(TestBucket.S3lo("push", Image, bucket.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var oldDigest = InspectDigest(bucket.Ref("app:1"));
        Assert.That(TestBucket.S3lo("push", Changed, bucket.Ref("app:1")).ExitCode, Is.EqualTo(0));
        Assert.That(TestBucket.S3lo("copy", bucket.Ref("app:1"), bucket.Ref("app:2")).ExitCode, Is.EqualTo(0));
        var digest = InspectDigest(bucket.Ref("app:1"));
        Assert.That(InspectDigest(bucket.Ref("app:2")), Is.EqualTo(digest));
        Assert.That(digest, Is.Not.EqualTo(oldDigest));

        var current = new[] { ("2", "copy", bucket.Ref("app:1"), digest, false), ("1", "push", "docker-daemon:" + Changed, digest, false) };
        Assert.That(TagRows(TestBucket.S3lo("history", bucket.Ref("app"), "--output", "json")), Is.EquivalentTo(current));
        Assert.That(TagRows(TestBucket.S3lo("history", bucket.Ref("app"), "--all", "--output", "json")),
            Is.EquivalentTo(current.Append(("1", "push", "docker-daemon:" + Image, oldDigest, true))));

        var text = TestBucket.S3lo("history", bucket.Ref("app:1"), "--all");
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString);
        Assert.That(text.StdoutLines[0], Does.Match("^TAG +PUSHED +SIZE +DIGEST +BY +SOURCE +STATUS$"));
        Assert.That(text.StdoutLines.Skip(1).Select(l => l.Split("   ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(c => (c[0], c[3], c[4], c[5], c[6])),
            Is.EqualTo(new[]
            {
                ("1", digest[..19], "push", "docker-daemon:" + Changed, "current"),
                ("1", oldDigest[..19], "push", "docker-daemon:" + Image, "superseded"),
            }));

        var images = TestBucket.S3lo("history", bucket.Url, "--output", "json");
        Assert.That(images.ExitCode, Is.EqualTo(0), images.ToString);
        var image = JsonDocument.Parse(images.Stdout).RootElement.EnumerateArray().Single();
        Assert.That(image.GetProperty("image").GetString(), Is.EqualTo("app"));
        Assert.That(image.GetProperty("tags").GetInt32(), Is.EqualTo(2));
        var table = TestBucket.S3lo("history", bucket.Url);
        Assert.That(table.StdoutLines[0], Does.Match("^IMAGE +TAGS +LAST PUSH +SIZE$"));
        Assert.That(table.StdoutLines[1], Does.Match(@"^app +2 +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +[0-9.]+ [kM]?B$"));
        Assert.That(table.StdoutLines, Has.Length.EqualTo(2));
        var objects = ObjectBytes(bucket);
        var (referenced, allBlobs) = ReferencedBlobBytes(objects, "manifests/app/1/manifest.json", "manifests/app/2/manifest.json");
        Assert.That(referenced, Is.LessThan(allBlobs), "the overwritten image's layers are still in the bucket, and not counted");
        Assert.That(image.GetProperty("sizeBytes").GetInt64(), Is.EqualTo(referenced));
    }

    [Test]
    public void HistoryErrorsAreOneLineWithTheirExitCode()
    {
        using var store = new TempStore();
        var missing = S3loBinary.Run("history", store.Ref("nope"));
        Assert.That((missing.ExitCode, missing.StderrLines), Is.EqualTo((1, new[]
        {
            $"error: no tags of 'nope' in {store.Url.TrimEnd('/')}",
            $"hint: see the images with: s3lo history {store.Url.TrimEnd('/')}",
        })));
        Assert.That(missing.Stdout, Is.Empty);

        var limit = S3loBinary.Run("history", store.Ref("app"), "--limit", "0");
        Assert.That((limit.ExitCode, limit.StderrLines.First()), Is.EqualTo((2, "error: --limit must be 1 or more, not 0")));

        var byDigest = S3loBinary.Run("history", store.Ref("app@sha256:" + new string('a', 64)));
        Assert.That((byDigest.ExitCode, byDigest.StderrLines.First()),
            Is.EqualTo((2, $"error: history takes a tag, not a digest: '{store.Ref("app@sha256:" + new string('a', 64))}'")));
    }

    [Test]
    public void TheV1FixtureListsAlpineWithItsV1Entry()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var r = S3loBinary.Run("history", store.Ref("alpine"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[]
        {
            "TAG      PUSHED                 SIZE   DIGEST                BY   SOURCE",
            "latest   2026-04-13T13:22:09Z   -      sha256:25109184c71b   -    -",
        }));
    }

    private static string InspectDigest(string reference)
    {
        var r = TestBucket.S3lo("inspect", reference, "--output", "json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("digest").GetString()!;
    }

    private static List<(string?, string?, string?, string?, bool)> TagRows(RunResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("tag").GetString(), e.GetProperty("by").GetString(), e.GetProperty("source").GetString(),
                e.GetProperty("digest").GetString(), e.GetProperty("superseded").GetBoolean()))
            .ToList();
    }

    // The distinct bytes the given root manifests reach (themselves, index children, configs, layers), measured on
    // the stored objects; and the bytes of every blob, orphans included.
    private static (long Referenced, long AllBlobs) ReferencedBlobBytes(Dictionary<string, byte[]> objects, params string[] roots)
    {
        var sizes = new Dictionary<string, long>();
        void Walk(byte[] manifest, string digest)
        {
            if (!sizes.TryAdd(digest, manifest.Length)) return;
            using var doc = JsonDocument.Parse(manifest);
            var root = doc.RootElement;
            if (root.TryGetProperty("manifests", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    var d = child.GetProperty("digest").GetString()!;
                    Walk(objects[BlobKey(d)], d);
                }
                return;
            }
            foreach (var d in root.GetProperty("layers").EnumerateArray().Append(root.GetProperty("config")).Select(e => e.GetProperty("digest").GetString()!))
                sizes.TryAdd(d, objects[BlobKey(d)].Length);
        }
        foreach (var key in roots) Walk(objects[key], "sha256:" + StoreChecker.Sha256Hex(objects[key]));
        return (sizes.Values.Sum(), objects.Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)).Sum(o => (long)o.Value.Length));
    }

    private static string BlobKey(string digest) => "blobs/sha256/" + digest["sha256:".Length..];

    private static readonly HttpClient Http = new();

    // Every object's bytes, read through the server's own API (or the files), never through s3lo.
    private static Dictionary<string, byte[]> ObjectBytes(TestBucket bucket)
    {
        var name = bucket.Url[(bucket.Url.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
        switch (bucket.Scheme)
        {
            case "local":
                return Directory.EnumerateFiles(name, "*", SearchOption.AllDirectories)
                    .Where(f => !f.Contains("/.s3lo-tmp/", StringComparison.Ordinal))
                    .ToDictionary(f => Path.GetRelativePath(name, f), File.ReadAllBytes);
            case "s3":
            {
                using var client = S3Server.Client();
                var listing = client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = name }).GetAwaiter().GetResult();
                return (listing.S3Objects ?? []).ToDictionary(o => o.Key, o =>
                {
                    using var response = client.GetObjectAsync(name, o.Key).GetAwaiter().GetResult();
                    using var buffer = new MemoryStream();
                    response.ResponseStream.CopyTo(buffer);
                    return buffer.ToArray();
                });
            }
            case "az":
            {
                var container = new BlobContainerClient(Environment.GetEnvironmentVariable("S3LO_TEST_AZURE_CONNECTION_STRING"), name);
                return container.GetBlobs().ToDictionary(b => b.Name, b => container.GetBlobClient(b.Name).DownloadContent().Value.Content.ToArray());
            }
            case "gs":
            {
                var host = Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST")!.TrimEnd('/');
                var listing = Http.GetFromJsonAsync<JsonElement>($"{host}/storage/v1/b/{name}/o").GetAwaiter().GetResult();
                return listing.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToDictionary(k => k,
                    k => Http.GetByteArrayAsync($"{host}/storage/v1/b/{name}/o/{Uri.EscapeDataString(k)}?alt=media").GetAwaiter().GetResult());
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(bucket));
        }
    }
}
