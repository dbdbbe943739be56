using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>The same end-to-end matrix on every scheme: push, pull, list, inspect, delete — and copy between every pair.</summary>
[NonParallelizable]
public sealed class SchemeMatrixTests
{
    private const string Image = "s3lo-e2e/matrix:src";
    private const string Amd64Manifest = "59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";
    private static readonly string[] Schemes = ["local", "s3", "gs", "az"];

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        TestImages.Build(Image, seed: 51, extraLayers: 1, layerBytes: 1_500_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image);

    [TestCase("s3")]
    [TestCase("gs")]
    [TestCase("az")]
    [TestCase("local")]
    public void PushPullListInspectDelete(string scheme)
    {
        using var bucket = TestBucket.Create(scheme);
        var id = DockerCli.ImageId(Image);
        var push = TestBucket.S3lo("push", Image, bucket.Ref("team/app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        AssertBlobsHashToTheirKeys(bucket);

        Assert.That(TestBucket.S3lo("list", bucket.Url).StdoutLines, Is.EqualTo(new[] { "team/app:1" }));
        var inspect = TestBucket.S3lo("inspect", bucket.Ref("team/app:1"), "--output", "json");
        var manifest = bucket.Objects().Single(o => o.Key == "manifests/team/app/1/manifest.json");
        Assert.That(JsonDocument.Parse(inspect.Stdout).RootElement.GetProperty("digest").GetString(), Is.EqualTo("sha256:" + manifest.Sha256));

        var local = $"s3lo-e2e/matrix:{scheme}";
        DockerCli.RemoveImage(local);
        DockerCli.RemoveImage(Image);
        try
        {
            var pull = TestBucket.S3lo("pull", bucket.Ref("team/app:1"), local);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(local), Is.EqualTo(id));
        }
        finally
        {
            DockerCli.MustRun("tag", id, Image);
            DockerCli.RemoveImage(local);
        }

        var again = TestBucket.S3lo("push", Image, bucket.Ref("team/app:1"), "--output", "json");
        Assert.That(JsonDocument.Parse(again.Stdout).RootElement.GetProperty("blobsCopied").GetInt32(), Is.EqualTo(0));

        var delete = TestBucket.S3lo("delete", bucket.Ref("team/app:1"));
        Assert.That(delete.ExitCode, Is.EqualTo(0), delete.ToString);
        Assert.That(TestBucket.S3lo("list", bucket.Url).StdoutLines, Is.Empty);
        Assert.That(bucket.Objects().Where(o => o.Key.StartsWith("blobs/", StringComparison.Ordinal)), Is.Not.Empty, "blobs stay");
    }

    [Test]
    public void CopyBetweenEveryPairOfSchemes()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        var buckets = Schemes.ToDictionary(s => s, s => TestBucket.Create(s));
        try
        {
            foreach (var (scheme, bucket) in buckets)
            {
                var seed = TestBucket.S3lo("copy", fixture.Ref("alpine:latest"), bucket.Ref("alpine:seed"), "--platform", "linux/amd64");
                Assert.That(seed.ExitCode, Is.EqualTo(0), () => $"seed {scheme}: {seed}");
            }
            foreach (var from in Schemes)
            foreach (var to in Schemes.Where(s => s != from))
            {
                var copy = TestBucket.S3lo("copy", buckets[from].Ref("alpine:seed"), buckets[to].Ref($"from-{from}/alpine:3"));
                Assert.That(copy.ExitCode, Is.EqualTo(0), () => $"{from} -> {to}: {copy}");
            }
            foreach (var (scheme, bucket) in buckets)
            {
                AssertBlobsHashToTheirKeys(bucket);
                var manifests = bucket.Objects().Where(o => o.Key.EndsWith("/manifest.json", StringComparison.Ordinal)).ToList();
                Assert.That(manifests, Has.Count.EqualTo(Schemes.Length), scheme);
                Assert.That(manifests.Select(m => m.Sha256), Is.All.EqualTo(Amd64Manifest), $"{scheme}: every copy is byte-exact");
            }
        }
        finally
        {
            foreach (var bucket in buckets.Values) bucket.Dispose();
        }
    }

    private static void AssertBlobsHashToTheirKeys(TestBucket bucket)
    {
        var blobs = bucket.Objects().Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)).ToList();
        Assert.That(blobs, Is.Not.Empty, bucket.Url);
        foreach (var blob in blobs) Assert.That(blob.Sha256, Is.EqualTo(blob.Key["blobs/sha256/".Length..]), $"{bucket.Url}{blob.Key}");
    }
}
