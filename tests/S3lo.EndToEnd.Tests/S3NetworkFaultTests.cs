
namespace S3lo.EndToEnd.Tests;

/// <summary>
/// The published binary against Ceph RGW through a <see cref="FaultProxy"/> (S3LO_IDLE_TIMEOUT=2s):
/// a blob GET stalled or cut once, a blob PUT answered 503 SlowDown once — the copy succeeds and
/// every stored byte hashes to its name.
/// </summary>
public sealed class S3NetworkFaultTests
{
    private static readonly Dictionary<string, string?> ShortIdle = new() { ["S3LO_IDLE_TIMEOUT"] = "2s" };

    private static bool LayerRequest(string line, string method) =>
        line.StartsWith(method + " ", StringComparison.Ordinal) && line.Contains("/blobs/sha256/", StringComparison.Ordinal)
        && !line.Contains("a40c03cbb81c", StringComparison.Ordinal); // the config: the layer is the one hit

    [TestCase(Fault.StallAfterHeaders)]
    [TestCase(Fault.CutMidBody)]
    public async Task ABlobReadFromTheBucketStalledOrCutOnceResumesAndTheCopySucceeds(Fault fault)
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        using var bucket = S3Server.CreateBucket();
        var seed = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), bucket.Ref("alpine:3"), "--platform", "linux/amd64", "--endpoint", S3Server.Endpoint);
        Assert.That(seed.ExitCode, Is.EqualTo(0), seed.ToString);
        await using var proxy = new FaultProxy(new Uri(S3Server.Endpoint), fault, line => LayerRequest(line, "GET")) { CutAfter = 256 * 1024 };

        var copy = S3loBinary.Run(["copy", bucket.Ref("alpine:3"), back.Ref("alpine:3"), "--endpoint", proxy.BaseUri.ToString(), "--no-progress"],
            ShortIdle, null, TimeSpan.FromSeconds(90));

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
    }

    [Test]
    public async Task ABlobPutAnswered503SlowDownOnceIsSentAgainAndTheCopySucceeds()
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var bucket = S3Server.CreateBucket();
        await using var proxy = new FaultProxy(new Uri(S3Server.Endpoint), Fault.SlowDown, line => LayerRequest(line, "PUT"));

        var copy = S3loBinary.Run(["copy", fixture.Ref("alpine:latest"), bucket.Ref("alpine:3"), "--platform", "linux/amd64",
            "--endpoint", proxy.BaseUri.ToString(), "--no-progress"], ShortIdle, null, TimeSpan.FromSeconds(90));

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(proxy.Injected, Is.EqualTo(1));
        var blobs = bucket.Objects().Where(o => o.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)).ToList();
        Assert.That(blobs, Is.Not.Empty);
        foreach (var blob in blobs) Assert.That(blob.Sha256, Is.EqualTo(blob.Key["blobs/sha256/".Length..]));
    }
}
