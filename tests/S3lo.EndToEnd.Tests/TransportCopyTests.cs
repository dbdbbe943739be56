using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// push and pull are copies through one transport registry: the Docker daemon is a copy end like any other,
/// a docker-archive is stored as a push stores the same image, and the layer cache learns from every transfer.
/// </summary>
[NonParallelizable]
public sealed class TransportCopyTests
{
    private const string Image = "s3lo-e2e/transport:src";
    private const string AlpineAmd64Config = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 31, extraLayers: 2, layerBytes: 300_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image);

    [Test]
    public void ACopiedDockerArchiveIsStoredWithTheGzipLayersAPushWrites()
    {
        using var pushed = new TempStore();
        using var copied = new TempStore();
        using var dir = new TempDir("transport");
        var archive = dir.File("saved.tar");
        DockerCli.MustRun("save", "-o", archive, Image);

        var push = Json(S3loBinary.Run("push", Image, pushed.Ref("app:1"), "--output", "json"));
        var copy = Json(S3loBinary.Run("copy", "docker-archive:" + archive, copied.Ref("app:1"), "--output", "json"));

        Assert.That(copy.GetProperty("digest").GetString(), Is.EqualTo(push.GetProperty("digest").GetString()),
            "the same config and the same deterministic gzip layers make the same manifest");
        var layers = Directory.GetFiles(Path.Combine(copied.Root, "blobs", "sha256"))
            .Select(File.ReadAllBytes).Where(b => b[0] != (byte)'{').ToList(); // all but the config and the manifest
        Assert.That(layers, Has.Count.EqualTo(3));
        Assert.That(layers.Select(b => (b[0], b[1])), Has.All.EqualTo(((byte)0x1f, (byte)0x8b)), "every layer is stored gzip, not as a plain tar");
        Assert.That(BlobNames(copied.Root), Is.EqualTo(BlobNames(pushed.Root)), "the copy stored exactly the blobs the push stored");

        // Into the store the push filled: every layer is reused, nothing goes up again.
        var again = Json(S3loBinary.Run("copy", "docker-archive:" + archive, pushed.Ref("app:2"), "--output", "json"));
        Assert.That(again.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));
        Assert.That(again.GetProperty("digest").GetString(), Is.EqualTo(push.GetProperty("digest").GetString()));
        Assert.That(StoreChecker.Problems(copied.Root), Is.Empty);
        Assert.That(StoreChecker.Problems(pushed.Root), Is.Empty);
    }

    [Test]
    public void TheDaemonIsACopyEndBothWays()
    {
        using var store = new TempStore();
        var id = DockerCli.ImageId(Image);

        var up = S3loBinary.Run("copy", "docker-daemon:" + Image, store.Ref("app:1"));
        Assert.That(up.ExitCode, Is.EqualTo(0), up.ToString);
        Assert.That(up.StdoutLines[0], Is.EqualTo($"copied docker-daemon:{Image} to {store.Ref("app:1")}"));

        const string local = "s3lo-e2e/transport:copied";
        DockerCli.RemoveImage(local);
        try
        {
            var down = S3loBinary.Run("copy", store.Ref("app:1"), "docker-daemon:" + local);
            Assert.That(down.ExitCode, Is.EqualTo(0), down.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(id));
            Assert.That(DockerCli.DiffIds(local), Is.EqualTo(DockerCli.DiffIds(Image)));
        }
        finally
        {
            DockerCli.RemoveImage(local);
        }
    }

    [Test]
    public void ABadDaemonDestinationNameIsAUsageError()
    {
        using var store = new TempStore();
        var r = S3loBinary.Run("copy", store.Ref("app:1"), "docker-daemon:Upper/Case:1");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: 'Upper/Case:1' is not a valid local image name"));
        Assert.That(r.StderrLines, Is.EqualTo(new[] { r.StderrLines[0], "hint: write NAME[:TAG] in lowercase, e.g. myapp:1.0" }), "one error line and its hint");
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void APullOfAnImageCopiedFromARegistryTeachesTheLayerCacheSoItsPushUploadsNothing()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var store = new TempStore();
        var registry = Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY") is { Length: > 0 } host
            ? host
            : throw new AssertionException("S3LO_TEST_REGISTRY is not set: start the test services (eng/services.sh start registry)");
        var repository = $"{registry}/e2e-{Guid.NewGuid():N}/alpine:3";
        const string local = "s3lo-e2e/transport:alpine";
        Assert.That(S3loBinary.Run("copy", fixture.Ref("alpine:latest"), repository, "--platform", "linux/amd64").ExitCode, Is.EqualTo(0));
        Assert.That(S3loBinary.Run("copy", repository, store.Ref("alpine:3")).ExitCode, Is.EqualTo(0));

        DockerCli.RemoveImage(local, AlpineAmd64Config);
        try
        {
            var pull = S3loBinary.Run("pull", store.Ref("alpine:3"), local);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);

            var push = Json(S3loBinary.Run("push", local, store.Ref("alpine:again"), "--output", "json"));
            Assert.That(push.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0), "the pull recorded which stored blob holds each layer");
            Assert.That(push.GetProperty("exported").GetBoolean(), Is.False, "the bucket had the config and every layer: no export");
        }
        finally
        {
            DockerCli.RemoveImage(local, AlpineAmd64Config);
        }
    }

    /// <summary>The blob files of a local store (every one hashes to its name: <see cref="StoreChecker"/>).</summary>
    private static string[] BlobNames(string storeRoot) =>
        Directory.GetFiles(Path.Combine(storeRoot, "blobs", "sha256")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static JsonElement Json(RunResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }
}
