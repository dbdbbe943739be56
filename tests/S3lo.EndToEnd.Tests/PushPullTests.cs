using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>push from the real daemon into a local store and pull back, through the published binary.</summary>
[NonParallelizable]
public sealed class PushPullTests
{
    private const string Image = "s3lo-e2e/app:src";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 7, extraLayers: 2, layerBytes: 1_000_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image);

    [Test]
    public void PushThenPullRestoresTheSameImageIdAndDiffIds()
    {
        using var store = new TempStore();
        var id = DockerCli.ImageId(Image);
        var diffIds = DockerCli.DiffIds(Image);

        var push = S3loBinary.Run("push", Image, store.Ref("app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        Assert.That(push.StdoutLines[0], Is.EqualTo($"pushed {Image} (linux/amd64) to {store.Ref("app:1")}"));
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);

        const string local = "s3lo-e2e/app:pulled";
        DockerCli.RemoveImage(local);
        DockerCli.RemoveImage(Image);
        Assert.That(DockerCli.ImageExists(id), Is.False, "the image must be gone from the daemon before the pull");
        try
        {
            var pull = S3loBinary.Run("pull", store.Ref("app:1"), local);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(id));
            Assert.That(DockerCli.DiffIds(local), Is.EqualTo(diffIds));
            Assert.That(DockerCli.ReadFile(local, "/data/layer2.bin"), Is.EqualTo(TestImages.RandomBytes(7 * 100 + 2, 1_000_000)));
        }
        finally
        {
            DockerCli.MustRun("tag", id, Image);
            DockerCli.RemoveImage(local);
        }
    }

    [Test]
    public void PullWithoutLocalNameTagsImageAndTag()
    {
        using var store = new TempStore();
        var id = DockerCli.ImageId(Image);
        Assert.That(S3loBinary.Run("push", Image, store.Ref("s3lo-e2e/named:v2")).ExitCode, Is.EqualTo(0));
        DockerCli.RemoveImage("s3lo-e2e/named:v2");
        try
        {
            var pull = S3loBinary.Run("pull", store.Ref("s3lo-e2e/named:v2"));
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId("s3lo-e2e/named:v2"), Is.EqualTo(id));
        }
        finally
        {
            DockerCli.RemoveImage("s3lo-e2e/named:v2");
        }
    }

    [Test]
    public void SecondPushUploadsNoBlobAndDoesNotExport()
    {
        using var store = new TempStore();
        var first = Json(S3loBinary.Run("push", Image, store.Ref("app:1"), "--output", "json"));
        Assert.That(first.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(4), "config and three layers");
        Assert.That(first.GetProperty("exported").GetBoolean(), Is.True);
        var blobsBefore = Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var second = Json(S3loBinary.Run("push", Image, store.Ref("app:1"), "--output", "json"));
        Assert.That(second.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));
        Assert.That(second.GetProperty("exported").GetBoolean(), Is.False, "the bucket had every layer: no export");
        Assert.That(second.GetProperty("unchanged").GetBoolean(), Is.True);
        Assert.That(second.GetProperty("digest").GetString(), Is.EqualTo(first.GetProperty("digest").GetString()));
        var blobsAfter = Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.That(blobsAfter, Is.EqualTo(blobsBefore), "no blob written or rewritten");

        // Another tag of the same image: still nothing uploaded, a new tag written.
        var third = Json(S3loBinary.Run("push", Image, store.Ref("app:2"), "--output", "json"));
        Assert.That(third.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));
        Assert.That(third.GetProperty("unchanged").GetBoolean(), Is.False);
        Assert.That(S3loBinary.Run("list", store.Url).StdoutLines, Is.EqualTo(new[] { "app:1", "app:2" }));
    }

    [Test]
    public void ChangedTopLayerUploadsOnlyThatLayer()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        const string derived = "s3lo-e2e/app:derived";
        DockerCli.BuildLayers(derived, Image, [("/data/extra.bin", TestImages.RandomBytes(99, 200_000))]);
        try
        {
            var push = Json(S3loBinary.Run("push", derived, store.Ref("app:2"), "--output", "json"));
            Assert.That(push.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(2), "the new layer and the new config");
            Assert.That(push.GetProperty("blobsSkipped").GetInt32(), Is.EqualTo(3));
            Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
        }
        finally
        {
            DockerCli.RemoveImage(derived);
        }
    }

    [Test]
    public void NestedNameWorks()
    {
        using var store = new TempStore();
        var push = S3loBinary.Run("push", Image, store.Ref("org/team/app:1.2.3"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        Assert.That(S3loBinary.Run("list", store.Url).StdoutLines, Is.EqualTo(new[] { "org/team/app:1.2.3" }));
        Assert.That(File.Exists(Path.Combine(store.Root, "manifests", "org", "team", "app", "1.2.3", "manifest.json")), Is.True);
        const string local = "s3lo-e2e/nested:1.2.3";
        try
        {
            var pull = S3loBinary.Run("pull", store.Ref("org/team/app:1.2.3"), local);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(DockerCli.ImageId(Image)));
        }
        finally
        {
            DockerCli.RemoveImage(local);
        }
    }

    [Test]
    public void DeleteRemovesTheTagAndKeepsTheBlobs()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:keep")).ExitCode, Is.EqualTo(0));
        var blobs = Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")).ToDictionary(f => Path.GetFileName(f), f => StoreChecker.Sha256Hex(File.ReadAllBytes(f)));

        var delete = S3loBinary.Run("delete", store.Ref("app:1"));
        Assert.That(delete.ExitCode, Is.EqualTo(0), delete.ToString);
        Assert.That(delete.StdoutLines, Is.EqualTo(new[] { $"deleted {store.Ref("app:1")}" }));
        Assert.That(S3loBinary.Run("list", store.Url).StdoutLines, Is.EqualTo(new[] { "app:keep" }));
        foreach (var (name, hash) in blobs)
            Assert.That(StoreChecker.Sha256Hex(File.ReadAllBytes(Path.Combine(store.Root, "blobs", "sha256", name))), Is.EqualTo(hash));

        var again = S3loBinary.Run("delete", store.Ref("app:1"));
        Assert.That(again.ExitCode, Is.EqualTo(1), again.ToString);
        Assert.That(again.StderrLines[0], Does.Contain("app:1 not found"));
    }

    [Test]
    public void ZstdLayersRoundTrip()
    {
        using var store = new TempStore();
        var id = DockerCli.ImageId(Image);
        var push = S3loBinary.Run("push", Image, store.Ref("app:zstd"), "--compression", "zstd");
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "zstd", "manifest.json"))).RootElement;
        Assert.That(manifest.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("mediaType").GetString()),
            Is.All.EqualTo("application/vnd.oci.image.layer.v1.tar+zstd"));
        const string local = "s3lo-e2e/app:fromzstd";
        DockerCli.RemoveImage(local);
        DockerCli.RemoveImage(Image);
        try
        {
            var pull = S3loBinary.Run("pull", store.Ref("app:zstd"), local);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(id));
        }
        finally
        {
            DockerCli.MustRun("tag", id, Image);
            DockerCli.RemoveImage(local);
        }
    }

    [TestCase("gzip")]
    [TestCase("zstd")]
    [TestCase("none")]
    public void CompressionIsDeterministic(string compression)
    {
        using var a = new TempStore();
        using var b = new TempStore();
        var first = Json(S3loBinary.Run("push", Image, a.Ref("app:1"), "--compression", compression, "--output", "json"));
        var second = Json(S3loBinary.Run("push", Image, b.Ref("app:1"), "--compression", compression, "--output", "json"));
        Assert.That(second.GetProperty("digest").GetString(), Is.EqualTo(first.GetProperty("digest").GetString()));
        Assert.That(File.ReadAllBytes(Path.Combine(b.Root, "manifests", "app", "1", "manifest.json")),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(a.Root, "manifests", "app", "1", "manifest.json"))));
    }

    [Test]
    public void HistoryRecordsEachChange()
    {
        using var store = new TempStore();
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        Assert.That(S3loBinary.Run("push", Image, store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var history = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "1", "history.json"))).RootElement;
        Assert.That(history.GetArrayLength(), Is.EqualTo(1), "an unchanged re-push adds no entry");
        var entry = history[0];
        var manifestHash = "sha256:" + StoreChecker.Sha256Hex(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "1", "manifest.json")));
        Assert.That(entry.GetProperty("digest").GetString(), Is.EqualTo(manifestHash));
        Assert.That(entry.GetProperty("pushed_at").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(entry.GetProperty("size_bytes").GetInt64(), Is.GreaterThan(1_000_000));
        Assert.That(File.ReadAllText(Path.Combine(store.Root, "manifests", "app", "1", "oci-layout")), Is.EqualTo("{\"imageLayoutVersion\":\"1.0.0\"}"));
    }

    [Test]
    public void UnreachableDaemonNamesTheSocketAndDockerHost()
    {
        using var store = new TempStore();
        var socket = Path.Combine(Path.GetTempPath(), "s3lo-no-daemon.sock");
        var r = S3loBinary.Run(["push", Image, store.Ref("app:1")], new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + socket }, null);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith("error: ").And.Contain(socket).And.Contain("DOCKER_HOST"));
        Assert.That(StoreChecker.Tags(store.Root), Is.Empty);
    }

    [Test]
    public void MissingLocalImageIsOneLine()
    {
        using var store = new TempStore();
        var r = S3loBinary.Run("push", "s3lo-e2e/does-not-exist:1", store.Ref("app:1"));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.Contain("s3lo-e2e/does-not-exist:1").And.Contain("not found"));
    }

    private static JsonElement Json(RunResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }
}
