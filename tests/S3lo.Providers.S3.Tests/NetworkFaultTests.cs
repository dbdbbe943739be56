using System.Diagnostics;
using System.Security.Cryptography;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>
/// The store through a <see cref="FaultProxy"/> in front of the real Ceph RGW: a stalled answer,
/// a download cut midway and a 503 SlowDown, each once. With S3LO_IDLE_TIMEOUT=2s.
/// </summary>
public sealed class NetworkFaultTests : BucketTest
{
    private EnvironmentScope _environment = null!;

    [SetUp]
    public void ShortIdleTimeout() => _environment = new EnvironmentScope().Set("S3LO_IDLE_TIMEOUT", "2s");

    [TearDown]
    public void RestoreIdleTimeout() => _environment.Dispose();

    private async Task<S3ObjectStore> ThroughAsync(FaultProxy proxy) =>
        (S3ObjectStore)await new S3StoreProvider().OpenAsync(Bucket, new StoreOptions { Endpoint = proxy.BaseUri.ToString() }, None);

    private static Func<string, bool> Request(string method, string key) => line => line.StartsWith(method + " ", StringComparison.Ordinal) && line.Contains(key, StringComparison.Ordinal);

    [Test]
    public async Task AServerThatNeverAnswersFailsTheAttemptAfterTheIdleTimeoutAndTheRetrySucceeds()
    {
        await PutAsync("k", Bytes.Random(1000, 1));
        await using var proxy = new FaultProxy(new Uri(RgwServer.Endpoint), Fault.NoAnswer, Request("HEAD", "/k"));
        await using var store = await ThroughAsync(proxy);

        var clock = Stopwatch.StartNew();
        var info = await store.HeadAsync("k", None);

        Assert.That(info?.Size, Is.EqualTo(1000));
        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.5)).And.LessThan(TimeSpan.FromSeconds(20)));
    }

    [TestCase(Fault.StallAfterHeaders)]
    [TestCase(Fault.CutMidBody)]
    public async Task ABlobDownloadStalledOrCutMidwayResumesAndReadsTheExactBytes(Fault fault)
    {
        var bytes = Bytes.Random(3 << 20, 2);
        var digest = Digest.Parse("sha256:" + Sha.Hex(bytes));
        await PutAsync(BucketLayout.BlobKey(digest), bytes);
        await using var proxy = new FaultProxy(new Uri(RgwServer.Endpoint), fault, Request("GET", "/blobs/sha256/")) { CutAfter = 1 << 20 };
        await using var bucket = new ImageBucket(await ThroughAsync(proxy));

        var clock = Stopwatch.StartNew();
        await using var stream = await bucket.OpenBlobAsync(digest, bytes.Length, None);
        var read = await Bytes.ReadAllAsync(stream);

        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(Sha.Hex(read), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task ADownloadCutOnEveryTryGivesUpAfterABoundedNumberOfResumesWithOneClearError()
    {
        var bytes = Bytes.Random(3 << 20, 6);
        var digest = Digest.Parse("sha256:" + Sha.Hex(bytes));
        await PutAsync(BucketLayout.BlobKey(digest), bytes);
        await using var proxy = new FaultProxy(new Uri(RgwServer.Endpoint), Fault.CutMidBody, Request("GET", "/blobs/sha256/"), times: 100) { CutAfter = 64 * 1024 };
        await using var bucket = new ImageBucket(await ThroughAsync(proxy));

        await using var stream = await bucket.OpenBlobAsync(digest, bytes.Length, None);
        var error = Assert.ThrowsAsync<S3lo.Core.Errors.S3loException>(async () => await Bytes.ReadAllAsync(stream));

        Assert.That(error!.Message, Does.StartWith($"download of s3://{Bucket}/{BucketLayout.BlobKey(digest)} failed after 5 resumes at byte "));
        Assert.That(proxy.Injected, Is.EqualTo(6), "the first try and five resumes");
    }

    [Test]
    public async Task ASinglePutAnswered503SlowDownIsSentAgainAndStoresTheBytes()
    {
        var bytes = Bytes.Random(1 << 20, 3);
        await using var proxy = new FaultProxy(new Uri(RgwServer.Endpoint), Fault.SlowDown, Request("PUT", "/blob-1"));
        await using var store = await ThroughAsync(proxy);

        // A stream read once, as a verifying stream is: the retry must come from s3lo's buffer.
        await store.PutAsync("blob-1", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(proxy.Injected, Is.EqualTo(1));
        Assert.That(Sha.Hex(await GetAsync("blob-1")), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task DeleteIfMatchRemovesTheVersionItReadAndRefusesAReplacedOne()
    {
        var first = await PutAsync("manifests/app/v1/manifest.json", Bytes.Random(100, 4), PutOptions.Metadata);
        await PutAsync("manifests/app/v1/manifest.json", Bytes.Random(100, 5), PutOptions.Metadata);

        Assert.That(async () => await Store.DeleteIfMatchAsync("manifests/app/v1/manifest.json", first.ETag!, None),
            Throws.TypeOf<PreconditionFailedException>());
        var current = await Store.HeadAsync("manifests/app/v1/manifest.json", None);
        Assert.That(current, Is.Not.Null, "the newer version must survive");

        await Store.DeleteIfMatchAsync("manifests/app/v1/manifest.json", current!.ETag!, None);
        Assert.That(await Store.HeadAsync("manifests/app/v1/manifest.json", None), Is.Null);
    }
}
