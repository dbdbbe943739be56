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
    public void CopyLocalToS3ToAnotherBucketAndBack()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var a = S3Server.CreateBucket();
        using var b = S3Server.CreateBucket();
        using var back = new TempStore();
        const string amd64Manifest = "59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";

        var toS3 = S3lo("copy", fixture.Ref("alpine:latest"), a.Ref("alpine:3"), "--platform", "linux/amd64");
        Assert.That(toS3.ExitCode, Is.EqualTo(0), toS3.ToString);
        var acrossBuckets = S3lo("copy", a.Ref("alpine:3"), b.Ref("mirror/alpine:3"));
        Assert.That(acrossBuckets.ExitCode, Is.EqualTo(0), acrossBuckets.ToString);
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

    private static void AssertEveryBlobHashesToItsKey(S3Server.TempBucket bucket)
    {
        var blobs = bucket.Objects().Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)).ToList();
        Assert.That(blobs, Is.Not.Empty);
        foreach (var blob in blobs) Assert.That(blob.Sha256, Is.EqualTo(blob.Key["blobs/sha256/".Length..]), blob.Key);
    }
}
