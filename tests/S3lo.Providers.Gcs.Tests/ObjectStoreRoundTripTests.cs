using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

public sealed class ObjectStoreRoundTripTests : BucketTest
{
    [TestCase(4 * SmallChunk + 12_345)]
    [TestCase(2 * SmallChunk)]
    public async Task AnObjectLargerThanTheChunkSizeRoundTrips(int size)
    {
        var bytes = Bytes.Random(size, 2);

        await PutAsync("blobs/sha256/big", bytes);

        Assert.That(Sha.Hex(await GetAsync("blobs/sha256/big")), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That((await Store.HeadAsync("blobs/sha256/big", None))!.Size, Is.EqualTo(size));
        // Checked with a client of its own too: the object itself is whole, not only what this store reads back.
        Assert.That(Sha.Hex((await GcsEmulator.ReadAsync(Bucket, "blobs/sha256/big"))!), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task ReadingStreamsWithTheObjectSizeAsLength()
    {
        var bytes = Bytes.Random(3 * SmallChunk, 3);
        await PutAsync("sized", bytes);

        await using var stream = await Store.OpenReadAsync("sized", None);

        Assert.That(stream.Length, Is.EqualTo(bytes.Length));
        Assert.That(Sha.Hex(await Bytes.ReadAllAsync(stream)), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task ARangeReadReturnsExactlyThatRange()
    {
        var bytes = Bytes.Random(500_000, 4);
        await PutAsync("ranged", bytes);

        await using var middle = await Store.OpenReadRangeAsync("ranged", 123_456, 200_000, None);
        var read = await Bytes.ReadAllAsync(middle);
        await using var tail = await Store.OpenReadRangeAsync("ranged", bytes.Length - 10, 10, None);
        await using var empty = await Store.OpenReadRangeAsync("ranged", 10, 0, None);

        Assert.That(read, Is.EqualTo(bytes.AsSpan(123_456, 200_000).ToArray()));
        Assert.That(await Bytes.ReadAllAsync(tail), Is.EqualTo(bytes[^10..]));
        Assert.That(await Bytes.ReadAllAsync(empty), Is.Empty);
    }

    [Test]
    public async Task AMissingObjectHasNoHeadAndCannotBeRead()
    {
        Assert.That(await Store.HeadAsync("nothing/here", None), Is.Null);
        var e = Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync("nothing/here", None));
        Assert.That(e!.Message, Does.Contain($"gs://{Bucket}").And.Contain("nothing/here"));
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadRangeAsync("nothing/here", 0, 10, None));
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadRangeAsync("nothing/here", 0, 0, None));
    }

    [Test]
    public async Task ListingPagesThroughMoreObjectsThanOnePage()
    {
        // The store asks for 1000 a page; the emulator's own paging must be followed too.
        for (var i = 0; i < 30; i++) await PutAsync($"many/{i:D3}", [(byte)i]);

        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("many/", None)) keys.Add(info.Key);

        Assert.That(keys.Order(), Is.EqualTo(Enumerable.Range(0, 30).Select(i => $"many/{i:D3}")));
    }

    [Test]
    public async Task KeysWithSpacesAndPlusSignsRoundTrip()
    {
        var bytes = Bytes.Random(1000, 11);
        await PutAsync("odd/a b+c=d&e", bytes);

        Assert.That(await GetAsync("odd/a b+c=d&e"), Is.EqualTo(bytes));
        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("odd/", None)) keys.Add(info.Key);
        Assert.That(keys, Is.EqualTo(new[] { "odd/a b+c=d&e" }));
    }

    [Test]
    public void TheDisplayNameIsTheGsUrl()
    {
        Assert.That(Store.DisplayName, Is.EqualTo($"gs://{Bucket}"));
    }
}
