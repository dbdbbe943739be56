using System.Diagnostics;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// copy from the real OCI registry through a <see cref="FaultProxy"/> that leaves one blob GET
/// unanswered, stalls it after the headers or cuts it midway: the published binary, with
/// S3LO_IDLE_TIMEOUT=2s, retries or resumes within seconds and stores the exact bytes.
/// </summary>
public sealed class RegistryNetworkFaultTests
{
    private static string Registry() =>
        Environment.GetEnvironmentVariable("S3LO_TEST_REGISTRY") is { Length: > 0 } value
            ? value
            : throw new AssertionException("S3LO_TEST_REGISTRY is not set: start the test services (eng/services.sh start registry) and eval \"$(eng/services.sh env)\"");

    private static readonly Dictionary<string, string?> ShortIdle = new() { ["S3LO_IDLE_TIMEOUT"] = "2s" };

    [TestCase(Fault.NoAnswer, "blobs", "retry 1 of")]
    [TestCase(Fault.StallAfterHeaders, "blobs", "resuming")]
    [TestCase(Fault.CutMidBody, "blobs", "resuming")]
    [TestCase(Fault.StallAfterHeaders, "manifests", "retry 1 of")]
    public async Task ARequestUnansweredStalledOrCutOnceIsRetriedOrResumedAndTheCopyStoresTheExactBytes(Fault fault, string what, string logged)
    {
        using var fixture = TempStore.CopyOf(Repo.FixtureStore);
        using var back = new TempStore();
        var path = $"e2e-{Guid.NewGuid():N}/alpine:3";
        var seed = S3loBinary.Run("copy", fixture.Ref("alpine:latest"), $"{Registry()}/{path}", "--platform", "linux/amd64");
        Assert.That(seed.ExitCode, Is.EqualTo(0), seed.ToString);

        // For blobs, the layer (about 3.6 MB, not the config) is hit: a cut comes after 256 KiB of it.
        await using var proxy = new FaultProxy(new Uri("http://" + Registry()), fault,
            line => line.StartsWith("GET /v2/", StringComparison.Ordinal) && line.Contains($"/{what}/", StringComparison.Ordinal)
                && !line.Contains("a40c03cbb81c", StringComparison.Ordinal)) { CutAfter = 256 * 1024 };
        var clock = Stopwatch.StartNew();
        var copy = S3loBinary.Run(["copy", $"{proxy.Authority}/{path}", back.Ref("alpine:3"), "--no-progress", "--verbose"], ShortIdle, null,
            TimeSpan.FromSeconds(90));

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That(copy.Stderr, Does.Contain(logged), "the retry or resume is visible with --verbose");
        // Every blob in the store is read back and hashed against its name.
        Assert.That(StoreChecker.Problems(back.Root), Is.Empty);
    }
}
