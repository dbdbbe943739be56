using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>The published binary against the real S3-compatible server (Ceph RGW): what it stores is read back and hashed.</summary>
[NonParallelizable]
public sealed class S3Tests
{
    private const string Image = "s3lo-e2e/s3app:src";

    [OneTimeSetUp]
    public void BuildImage()
    {
        _ = S3Server.Endpoint;
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 21, extraLayers: 2, layerBytes: 1_000_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image);

    private static RunResult S3lo(params string[] args) => S3loBinary.Run([.. args, "--endpoint", S3Server.Endpoint]);

    [Test]
    public void PushPullListInspectDelete()
    {
        using var bucket = S3Server.CreateBucket();
        var id = DockerCli.ImageId(Image);

        var push = S3lo("push", Image, bucket.Ref("team/app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        AssertEveryBlobHashesToItsKey(bucket);
        var manifestKey = bucket.Objects().Single(o => o.Key == "manifests/team/app/1/manifest.json");

        Assert.That(S3lo("list", bucket.Url).StdoutLines, Is.EqualTo(new[] { "team/app:1" }));
        var inspect = S3lo("inspect", bucket.Ref("team/app:1"), "--output", "json");
        Assert.That(inspect.ExitCode, Is.EqualTo(0), inspect.ToString);
        Assert.That(JsonDocument.Parse(inspect.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo("sha256:" + manifestKey.Sha256));

        const string local = "s3lo-e2e/s3app:pulled";
        DockerCli.RemoveImage(local);
        DockerCli.RemoveImage(Image);
        try
        {
            var pull = S3lo("pull", bucket.Ref("team/app:1"), local);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(id));
        }
        finally
        {
            DockerCli.MustRun("tag", id, Image);
            DockerCli.RemoveImage(local);
        }

        var blobs = bucket.Objects().Where(o => o.Key.StartsWith("blobs/", StringComparison.Ordinal)).ToList();
        var delete = S3lo("delete", bucket.Ref("team/app:1"));
        Assert.That(delete.ExitCode, Is.EqualTo(0), delete.ToString);
        Assert.That(S3lo("list", bucket.Url).StdoutLines, Is.Empty);
        Assert.That(bucket.Objects().Where(o => o.Key.StartsWith("blobs/", StringComparison.Ordinal)), Is.EquivalentTo(blobs), "delete keeps blobs");
    }

    [Test]
    public void RePushUploadsNoBlob()
    {
        using var bucket = S3Server.CreateBucket();
        Assert.That(S3lo("push", Image, bucket.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var again = S3lo("push", Image, bucket.Ref("app:1"), "--output", "json");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString);
        var result = JsonDocument.Parse(again.Stdout).RootElement;
        Assert.That(result.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));
        Assert.That(result.GetProperty("exported").GetBoolean(), Is.False);
    }

    [Test]
    public void StorageClassesAreWhatTheServerTakesAndTheFallbackIsSaidOnce()
    {
        using var bucket = S3Server.CreateBucket();
        var push = S3lo("push", Image, bucket.Ref("app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        // RGW has no INTELLIGENT_TIERING placement: one warning, then STANDARD for the rest of the run.
        Assert.That(push.StderrLines.Count(l => l.StartsWith("warning:", StringComparison.Ordinal) && l.Contains("INTELLIGENT_TIERING")), Is.EqualTo(1), push.ToString);
        Assert.That(bucket.Objects().Select(o => o.StorageClass ?? "STANDARD"), Is.All.EqualTo("STANDARD"));
    }

    [Test]
    public void StorageClassFlagIsHonoured()
    {
        using var bucket = S3Server.CreateBucket();
        var push = S3lo("push", Image, bucket.Ref("app:1"), "--storage-class", "STANDARD");
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        Assert.That(push.Stderr, Does.Not.Contain("warning:"), "STANDARD is what RGW has: no fallback to announce");
        Assert.That(bucket.Objects().Select(o => o.StorageClass ?? "STANDARD"), Is.All.EqualTo("STANDARD"));
    }

    [Test]
    public void CopyLocalToS3ToAnotherBucketAndBack()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var a = S3Server.CreateBucket();
        using var b = S3Server.CreateBucket();
        using var back = new TempStore();
        const string amd64Manifest = "59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";

        var toS3 = S3lo("copy", fixture.Ref("alpine:latest"), a.Ref("alpine:3"), "--platform", "linux/amd64");
        Assert.That(toS3.ExitCode, Is.EqualTo(0), toS3.ToString);
        var acrossBuckets = S3lo("copy", a.Ref("alpine:3"), b.Ref("mirror/alpine:3"), "--verbose");
        Assert.That(acrossBuckets.ExitCode, Is.EqualTo(0), acrossBuckets.ToString);
        Assert.That(acrossBuckets.StderrLines.Count(l => l.Contains("bytes) server-side")), Is.EqualTo(2), "across buckets: CopyObject for the config and the layer");
        Assert.That(acrossBuckets.StderrLines.Count(l => l.StartsWith("copied ") && l.EndsWith(" (server-side)")), Is.EqualTo(2), "plain progress: a line per blob");
        var sameBucket = S3lo("copy", b.Ref("mirror/alpine:3"), b.Ref("mirror/alpine:stable"), "--output", "json");
        Assert.That(JsonDocument.Parse(sameBucket.Stdout).RootElement.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0), "same bucket: only the manifest");
        var toLocal = S3lo("copy", b.Ref("mirror/alpine:stable"), back.Ref("alpine:3"));
        Assert.That(toLocal.ExitCode, Is.EqualTo(0), toLocal.ToString);

        AssertEveryBlobHashesToItsKey(a);
        AssertEveryBlobHashesToItsKey(b);
        Assert.That(b.Objects().Single(o => o.Key == "manifests/mirror/alpine/stable/manifest.json").Sha256, Is.EqualTo(amd64Manifest));
        Assert.That(StoreChecker.Sha256Hex(File.ReadAllBytes(Path.Combine(back.Root, "manifests", "alpine", "3", "manifest.json"))), Is.EqualTo(amd64Manifest));
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
    }

    private static readonly Dictionary<string, string?> SmallParts = new()
    {
        ["S3LO_S3_MULTIPART_THRESHOLD_MB"] = "5",
        ["S3LO_S3_PART_SIZE_MB"] = "5",
        ["S3LO_PARALLEL_DOWNLOAD_MB"] = "5",
    };

    [Test]
    public void LayersAboveTheMultipartThresholdRoundTripAndKilledUploadsAreCleanedUp()
    {
        const string big = "s3lo-e2e/s3app:big";
        TestImages.Build(big, seed: 31, extraLayers: 1, layerBytes: 14_000_000);
        using var bucket = S3Server.CreateBucket();
        try
        {
            var id = DockerCli.ImageId(big);
            // Killed part way through its multipart uploads: no tag, maybe parts left behind.
            var start = new System.Diagnostics.ProcessStartInfo(S3loBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "push", big, bucket.Ref("app:big"), "--endpoint", S3Server.Endpoint }) start.ArgumentList.Add(a);
            foreach (var (k, v) in SmallParts) start.Environment[k] = v;
            using (var process = System.Diagnostics.Process.Start(start)!)
            {
                WaitForOpenUpload(bucket.Name, TimeSpan.FromSeconds(60));
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            Assert.That(bucket.Objects().Select(o => o.Key), Has.None.EndsWith("manifest.json"), "a killed push leaves no tag");
            Assert.That(OpenUploads(bucket.Name), Is.Not.Empty, "the kill left an upload open (else the test proves nothing)");

            // Leftovers are aborted once older than the grace period (another push's upload may be live).
            Thread.Sleep(TimeSpan.FromSeconds(2.5));
            var push = S3loBinary.Run(["push", big, bucket.Ref("app:big"), "--endpoint", S3Server.Endpoint],
                new Dictionary<string, string?>(SmallParts) { ["S3LO_MULTIPART_GRACE"] = "1s" }, null);
            Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
            Assert.That(OpenUploads(bucket.Name), Is.Empty, "the next run aborted the leftover uploads");
            AssertEveryBlobHashesToItsKey(bucket);

            DockerCli.RemoveImage(big);
            // Pulled as parallel ranged GETs (the layer is above the 5 MB threshold set here).
            var pull = S3loBinary.Run(["pull", bucket.Ref("app:big"), big, "--endpoint", S3Server.Endpoint], SmallParts, null);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(big), Is.EqualTo(id));
        }
        finally
        {
            DockerCli.RemoveImage(big);
        }
    }

    [Test]
    public void ConcurrentPushesToOneTagReportTheRace()
    {
        const string other = "s3lo-e2e/s3app:other";
        TestImages.Build(other, seed: 41, extraLayers: 2, layerBytes: 3_000_000);
        try
        {
            // Two pushes that both find the tag absent: the conditional write lets one win and
            // the other must say so. Scheduling may serialize them (then both rightly succeed),
            // so a few rounds are allowed to produce the collision.
            var collided = false;
            for (var round = 0; round < 4 && !collided; round++)
            {
                using var bucket = S3Server.CreateBucket();
                using var go = new ManualResetEventSlim();
                var a = Task.Run(() => { go.Wait(); return S3lo("push", Image, bucket.Ref("app:race")); });
                var b = Task.Run(() => { go.Wait(); return S3lo("push", other, bucket.Ref("app:race")); });
                go.Set();
                var results = new[] { a.Result, b.Result };
                Assert.That(results.Count(r => r.ExitCode == 0), Is.GreaterThanOrEqualTo(1), string.Join("\n", results.Select(r => r.ToString())));
                foreach (var loser in results.Where(r => r.ExitCode != 0))
                {
                    Assert.That(loser.ExitCode, Is.EqualTo(1), loser.ToString);
                    Assert.That(loser.StderrLines.Single(l => l.StartsWith("error: ", StringComparison.Ordinal)), Does.Contain("changed by another push"), loser.ToString);
                    collided = true;
                }
                AssertEveryBlobHashesToItsKey(bucket);
            }
            Assert.That(collided, Is.True, "four rounds of simultaneous pushes never collided");
        }
        finally
        {
            DockerCli.RemoveImage(other);
        }
    }

    private static List<string> OpenUploads(string bucket)
    {
        using var client = S3Server.Client();
        var listing = client.ListMultipartUploadsAsync(bucket).GetAwaiter().GetResult();
        return (listing.MultipartUploads ?? []).Select(u => u.Key).ToList();
    }

    private static void WaitForOpenUpload(string bucket, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (OpenUploads(bucket).Count == 0)
        {
            if (clock.Elapsed > timeout) Assert.Fail("the push never started a multipart upload");
            Thread.Sleep(20);
        }
    }

    private static void AssertEveryBlobHashesToItsKey(S3Server.TempBucket bucket)
    {
        var blobs = bucket.Objects().Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)).ToList();
        Assert.That(blobs, Is.Not.Empty);
        foreach (var blob in blobs) Assert.That(blob.Sha256, Is.EqualTo(blob.Key["blobs/sha256/".Length..]), blob.Key);
    }
}
