using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// The commands that read a bucket — list, history, doctor, cat, stats — on every scheme's real server, over the
/// v1 fixture's amd64 image copied in (its arm64 layer is missing on purpose, so only amd64 copies).
/// </summary>
public sealed class BucketReadingMatrixTests
{
    [TestCase("s3")]
    [TestCase("gs")]
    [TestCase("az")]
    public void ListHistoryDoctorCatAndStatsReadTheSameImageOnEveryScheme(string scheme)
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var bucket = TestBucket.Create(scheme);
        var copy = TestBucket.S3lo("copy", fixture.Ref("alpine:latest"), bucket.Ref("mirror/alpine:3"), "--platform", "linux/amd64");
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        var manifest = bucket.Objects().Single(o => o.Key == "manifests/mirror/alpine/3/manifest.json");
        var blobs = bucket.Objects().Count(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal));

        var list = TestBucket.S3lo("list", bucket.Url, "--output", "json");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        var listed = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single();
        Assert.That(listed.GetProperty("image").GetString() + ":" + listed.GetProperty("tag").GetString(), Is.EqualTo("mirror/alpine:3"));
        Assert.That(listed.GetProperty("digest").GetString(), Is.EqualTo("sha256:" + manifest.Sha256));

        var history = TestBucket.S3lo("history", bucket.Url + "mirror/alpine", "--output", "json");
        Assert.That(history.ExitCode, Is.EqualTo(0), history.ToString);
        var row = JsonDocument.Parse(history.Stdout).RootElement.EnumerateArray().Single();
        Assert.That(row.GetProperty("by").GetString(), Is.EqualTo("copy"));
        Assert.That(row.GetProperty("source").GetString(), Is.EqualTo(fixture.Ref("alpine:latest")));
        Assert.That(row.GetProperty("digest").GetString(), Is.EqualTo("sha256:" + manifest.Sha256));

        var doctor = TestBucket.S3lo("doctor", bucket.Url, "--deep");
        Assert.That(doctor.ExitCode, Is.EqualTo(0), doctor.ToString);
        Assert.That(doctor.StdoutLines[^1], Does.StartWith($"no problems found (checked 1 tag, {blobs} blobs"));

        var fromFixture = S3loBinary.Run("cat", fixture.Ref("alpine:latest"), "/etc/os-release", "--platform", "linux/amd64");
        var fromBucket = TestBucket.S3lo("cat", bucket.Ref("mirror/alpine:3"), "/etc/os-release");
        Assert.That(fromBucket.ExitCode, Is.EqualTo(0), fromBucket.ToString);
        Assert.That(fromBucket.Stdout, Does.Contain("Alpine Linux").And.EqualTo(fromFixture.Stdout));

        var stats = TestBucket.S3lo("stats", bucket.Url, "--output", "json");
        Assert.That(stats.ExitCode, Is.EqualTo(0), stats.ToString);
        var numbers = JsonDocument.Parse(stats.Stdout).RootElement;
        Assert.That((numbers.GetProperty("images").GetInt32(), numbers.GetProperty("tags").GetInt32()), Is.EqualTo((1, 1)));
    }
}
