using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class ObjectStoreRoundTripTests : BucketTest
{
    // Put, read, head, list, delete and conditional writes are the object-store contract's (S3StoreContractTests).

    [Test]
    public void TheDisplayNameIsTheS3Url() => Assert.That(Store.DisplayName, Is.EqualTo("s3://" + Bucket));

    [Test]
    public async Task ListingPagesThroughMoreThanOnePage()
    {
        // RGW pages at 1000 keys; a prefix filter must hold across pages too.
        var tasks = Enumerable.Range(0, 1005).Select(i => PutAsync($"many/{i:D5}", [(byte)i], PutOptions.Metadata));
        foreach (var chunk in tasks.Chunk(50)) await Task.WhenAll(chunk);
        await PutAsync("other/x", [1], PutOptions.Metadata);

        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("many/", None)) keys.Add(info.Key);

        Assert.That(keys, Has.Count.EqualTo(1005));
        Assert.That(keys, Is.Unique);
        Assert.That(keys, Has.All.StartWith("many/"));
    }

    [Test]
    public async Task RangeReadReturnsTheRequestedBytes()
    {
        var bytes = Bytes.Random(1000, seed: 3);
        await PutAsync("r", bytes);

        await using (var range = await Store.OpenReadRangeAsync("r", 100, 50, None))
            Assert.That(await Bytes.ReadAllAsync(range), Is.EqualTo(bytes[100..150]));
        await using (var tail = await Store.OpenReadRangeAsync("r", 990, 50, None))
            Assert.That(await Bytes.ReadAllAsync(tail), Is.EqualTo(bytes[990..]));
        await using (var past = await Store.OpenReadRangeAsync("r", 5000, 10, None))
            Assert.That(await Bytes.ReadAllAsync(past), Is.Empty);
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadRangeAsync("missing", 0, 10, None));
    }

    [Test]
    public async Task OpenReadReportsTheObjectLength()
    {
        var bytes = Bytes.Random(12345, seed: 4);
        await PutAsync("len", bytes);

        await using var stream = await Store.OpenReadAsync("len", None);

        Assert.That(stream.Length, Is.EqualTo(12345));
    }

    [Test]
    public async Task LogsNeverCarrySignatures()
    {
        var logs = new ListLoggerFactory();
        await using var store = (S3ObjectStore)await new S3StoreProvider(logs).OpenAsync(Bucket, RgwServer.Options(), None);
        store.Warn = Warnings.Add;
        await store.PutAsync("k", new SourceStream([1, 2, 3]), 3, PutOptions.Blob, None);
        await store.PresignReadAsync("k", TimeSpan.FromMinutes(1), None);
        await using (await store.OpenReadAsync("k", None)) { }

        Assert.That(logs.Lines, Has.None.Contains("Signature").And.None.Contains("secretsecret").And.None.Contains("X-Amz-Credential"));
    }
}
