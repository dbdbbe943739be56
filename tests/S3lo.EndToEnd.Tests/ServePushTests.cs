using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo serve --allow-push</c> of the published binary as a push target: the real Docker daemon and skopeo
/// push into it, and what they pushed is read back from the bucket (s3lo pull, the files hashed).
/// </summary>
[NonParallelizable]
public sealed class ServePushTests
{
    private const string Image = "s3lo-e2e/servepush:src";
    private const string Pulled = "s3lo-e2e/servepush:pulled";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 41, extraLayers: 2, layerBytes: 300_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image, Pulled);

    [Test]
    public void DockerPushIntoALocalStorePullsBackAsTheSameImage()
    {
        using var store = new TempStore();
        using var served = ServedBucket.Start(store.Url, "--allow-push");
        PushThenPull(served, args => S3loBinary.Run(args), store.Ref("team/app:1"));
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
        Assert.That(Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories).Where(f => f.Contains("/s3lo-uploads/", StringComparison.Ordinal)),
            Is.Empty, "finished sessions leave nothing");
        var history = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "team", "app", "1", "history.json"))).RootElement[0];
        Assert.That(history.GetProperty("command").GetString(), Is.EqualTo("serve"));
        Assert.That(history.GetProperty("source").GetString(), Does.StartWith("docker/"));
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
    }

    [Test]
    public void DockerPushIntoACephBucketPullsBackAsTheSameImage()
    {
        using var bucket = TestBucket.Create("s3");
        using var served = ServedBucket.Start(bucket.Url, "--endpoint", S3Server.Endpoint, "--allow-push");
        PushThenPull(served, TestBucket.S3lo, bucket.Ref("team/app:1"));
        var objects = bucket.Objects();
        Assert.That(objects.Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)).Select(o => o.Key["blobs/sha256/".Length..] == o.Sha256),
            Is.All.True, "every blob hashes to its key");
        Assert.That(objects.Where(o => o.Key.StartsWith("s3lo-uploads/", StringComparison.Ordinal)), Is.Empty, "finished sessions leave nothing");
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
    }

    [Test]
    public void SkopeoCopyAllOfAMultiArchLayoutKeepsTheIndexByteExact()
    {
        using var store = new TempStore();
        using var served = ServedBucket.Start(store.Url, "--allow-push");
        var layout = Directory.CreateTempSubdirectory("s3lo-e2e-layout-").FullName;
        try
        {
            var digest = MultiArchLayouts.Write(layout, "multi");
            var copy = Processes.Run("skopeo", ["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", $"oci:{layout}:multi", $"docker://{served.Host}/multi:1"]);
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);

            var stored = File.ReadAllBytes(Path.Combine(store.Root, "manifests", "multi", "1", "manifest.json"));
            Assert.That("sha256:" + StoreChecker.Sha256Hex(stored), Is.EqualTo(digest), "the bucket holds the index byte-exact");
            var raw = Processes.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{served.Host}/multi:1"]);
            Assert.That(raw.ExitCode, Is.EqualTo(0), raw.ToString);
            Assert.That("sha256:" + StoreChecker.Sha256Hex(Encoding.UTF8.GetBytes(raw.Stdout.TrimEnd('\n'))), Is.EqualTo(digest));
            Assert.That(StoreChecker.Problems(store.Root), Is.Empty, "every platform manifest and blob is there and hashes right");

            var inspect = S3loBinary.Run("inspect", store.Ref("multi:1"), "--output", "json");
            Assert.That(inspect.ExitCode, Is.EqualTo(0), inspect.ToString);
            Assert.That(JsonDocument.Parse(inspect.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo(digest));
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }

    [Test]
    public async Task AnUploadSessionSurvivesAServerRestart()
    {
        using var store = new TempStore();
        var blob = RandomNumberGenerator.GetBytes(300_000);
        var digest = "sha256:" + StoreChecker.Sha256Hex(blob);
        string location;
        using (var first = ServedBucket.Start(store.Url, "--allow-push"))
        using (var http = new HttpClient { BaseAddress = first.BaseAddress })
        {
            using var post = await http.PostAsync("/v2/resume/blobs/uploads/", null);
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            location = post.Headers.Location!.OriginalString;
            using var patch = await http.PatchAsync(location, Chunk(blob, 0, 100_000, withRange: false));
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(patch.Headers.GetValues("Range").Single(), Is.EqualTo("0-99999"));
            Assert.That(first.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), first.Stderr);
        }

        using var second = ServedBucket.Start(store.Url, "--allow-push");
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        using (var status = await client.GetAsync(location))
        {
            Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(status.Headers.GetValues("Range").Single(), Is.EqualTo("0-99999"), "the new server reads the session from the bucket");
        }
        using (var patch = await client.PatchAsync(location, Chunk(blob, 100_000, 150_000, withRange: true)))
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        using (var put = await client.PutAsync($"{location}?digest={digest}", Chunk(blob, 250_000, 50_000, withRange: true)))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
            Assert.That(put.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(digest));
        }
        var stored = Path.Combine(store.Root, "blobs", "sha256", digest["sha256:".Length..]);
        Assert.That(StoreChecker.Sha256Hex(File.ReadAllBytes(stored)), Is.EqualTo(digest["sha256:".Length..]));
        Assert.That(Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories).Where(f => f.Contains("/s3lo-uploads/", StringComparison.Ordinal)),
            Is.Empty, "the finished session left nothing");
    }

    [Test]
    public async Task WithoutAllowPushAnUploadIsUnsupported()
    {
        using var store = new TempStore();
        using var served = ServedBucket.Start(store.Url);
        using var http = new HttpClient { BaseAddress = served.BaseAddress };
        using var post = await http.PostAsync("/v2/app/blobs/uploads/", null);
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        using var body = JsonDocument.Parse(await post.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString(), Is.EqualTo("UNSUPPORTED"));
        Assert.That(Directory.Exists(Path.Combine(store.Root, "s3lo-uploads")), Is.False);
    }

    /// <summary>
    /// docker push to the server, then the image gone from the daemon, then s3lo pull straight from the bucket:
    /// the same image ID (config digest) comes back.
    /// </summary>
    private static void PushThenPull(ServedBucket served, Func<string[], RunResult> s3lo, string bucketRef)
    {
        var id = DockerCli.ImageId(Image);
        var pushed = $"{served.Host}/team/app:1";
        DockerCli.MustRun("tag", Image, pushed);
        try
        {
            DockerCli.MustRun("push", pushed);
        }
        finally
        {
            DockerCli.RemoveImage(pushed);
        }
        DockerCli.RemoveImage(Image, Pulled);
        try
        {
            Assert.That(DockerCli.ImageExists(id), Is.False, "the image must be gone from the daemon before the pull");
            var pull = s3lo(["pull", bucketRef, Pulled]);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(Pulled), Is.EqualTo(id));
            Assert.That(DockerCli.ReadFile(Pulled, "/data/layer2.bin"), Is.EqualTo(TestImages.RandomBytes(41 * 100 + 2, 300_000)));
        }
        finally
        {
            if (DockerCli.ImageExists(id)) DockerCli.MustRun("tag", id, Image);
            DockerCli.RemoveImage(Pulled);
        }
    }

    private static ByteArrayContent Chunk(byte[] blob, int offset, int length, bool withRange)
    {
        var content = new ByteArrayContent(blob, offset, length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (withRange) content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        return content;
    }
}
