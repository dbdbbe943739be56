using System.Diagnostics;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>
/// The store through a <see cref="FaultProxy"/> in front of the GCS emulator, with
/// S3LO_IDLE_TIMEOUT=2s: a request never answered is retried, a download stalled or cut midway resumes.
/// </summary>
public sealed class NetworkFaultTests : BucketTest
{
    private EnvironmentScope _environment = null!;

    [SetUp]
    public void ShortIdleTimeout() => _environment = new EnvironmentScope().Set("S3LO_IDLE_TIMEOUT", "2s");

    [TearDown]
    public void RestoreEnvironment() => _environment.Dispose();

    private async Task<GcsObjectStore> ThroughAsync(FaultProxy proxy) =>
        await new GcsStoreProvider(Logs).OpenAsync(Bucket, GcsEmulator.Options(), new GcsEndpoint(proxy.BaseUri, false), SmallChunk, None);

    [Test]
    public async Task ARequestNeverAnsweredFailsAfterTheIdleTimeoutAndTheRetrySucceeds()
    {
        await PutAsync("k", Bytes.Random(1000, 1));
        await using var proxy = new FaultProxy(GcsEmulator.BaseUri, Fault.NoAnswer, line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("/o/k", StringComparison.Ordinal));
        await using var store = await ThroughAsync(proxy);

        var clock = Stopwatch.StartNew();
        var info = await store.HeadAsync("k", None);

        Assert.That(info?.Size, Is.EqualTo(1000));
        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [TestCase(Fault.StallAfterHeaders)]
    [TestCase(Fault.CutMidBody)]
    public async Task ABlobDownloadStalledOrCutMidwayResumesAndReadsTheExactBytes(Fault fault)
    {
        var bytes = Bytes.Random(3 << 20, 2);
        var digest = Digest.Parse("sha256:" + Sha.Hex(bytes));
        await PutAsync(BucketLayout.BlobKey(digest), bytes);
        await using var proxy = new FaultProxy(GcsEmulator.BaseUri, fault,
            line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("alt=media", StringComparison.Ordinal)) { CutAfter = 1 << 20 };
        await using var bucket = new ImageBucket(await ThroughAsync(proxy));

        await using var stream = await bucket.OpenBlobAsync(digest, bytes.Length, None);
        var read = await Bytes.ReadAllAsync(stream);

        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(Sha.Hex(read), Is.EqualTo(Sha.Hex(bytes)));
    }
}
