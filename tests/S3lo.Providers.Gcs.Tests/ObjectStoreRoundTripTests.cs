using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

using S3lo.Tests.Shared;

namespace S3lo.Providers.Gcs.Tests;

public sealed class ObjectStoreRoundTripTests : BucketTest
{
    [Test]
    public async Task Put_then_read_returns_the_same_bytes_and_head_describes_them()
    {
        var bytes = Bytes.Random(100_000, 1);

        var put = await PutAsync("blobs/sha256/one", bytes);
        var head = await Store.HeadAsync("blobs/sha256/one", None);

        Assert.That(Bytes.Sha(await GetAsync("blobs/sha256/one")), Is.EqualTo(Bytes.Sha(bytes)));
        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        Assert.That(head, Is.Not.Null);
        Assert.That(head!.Size, Is.EqualTo(bytes.Length));
        Assert.That(head.ETag, Is.EqualTo(put.ETag).And.Not.Null);
        Assert.That(head.LastModified, Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(-1)));
    }

    [Test]
    public async Task An_empty_object_round_trips()
    {
        await PutAsync("empty", []);

        Assert.That(await GetAsync("empty"), Is.Empty);
        Assert.That((await Store.HeadAsync("empty", None))!.Size, Is.Zero);
    }

    [TestCase(4 * SmallChunk + 12_345)]
    [TestCase(2 * SmallChunk)]
    public async Task An_object_larger_than_the_chunk_size_round_trips(int size)
    {
        var bytes = Bytes.Random(size, 2);

        await PutAsync("blobs/sha256/big", bytes);

        Assert.That(Bytes.Sha(await GetAsync("blobs/sha256/big")), Is.EqualTo(Bytes.Sha(bytes)));
        Assert.That((await Store.HeadAsync("blobs/sha256/big", None))!.Size, Is.EqualTo(size));
        // Checked with a client of its own too: the object itself is whole, not only what this store reads back.
        Assert.That(Bytes.Sha((await GcsEmulator.ReadAsync(Bucket, "blobs/sha256/big"))!), Is.EqualTo(Bytes.Sha(bytes)));
    }

    [Test]
    public async Task Reading_streams_with_the_object_size_as_length()
    {
        var bytes = Bytes.Random(3 * SmallChunk, 3);
        await PutAsync("sized", bytes);

        await using var stream = await Store.OpenReadAsync("sized", None);

        Assert.That(stream.Length, Is.EqualTo(bytes.Length));
        Assert.That(Bytes.Sha(await Bytes.ReadAllAsync(stream)), Is.EqualTo(Bytes.Sha(bytes)));
    }

    [Test]
    public async Task A_range_read_returns_exactly_that_range()
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
    public async Task A_missing_object_has_no_head_and_cannot_be_read()
    {
        Assert.That(await Store.HeadAsync("nothing/here", None), Is.Null);
        var e = Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync("nothing/here", None));
        Assert.That(e!.Message, Does.Contain($"gs://{Bucket}").And.Contain("nothing/here"));
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadRangeAsync("nothing/here", 0, 10, None));
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadRangeAsync("nothing/here", 0, 0, None));
    }

    [Test]
    public async Task Listing_by_prefix_returns_only_the_keys_under_it_with_sizes()
    {
        await PutAsync("manifests/app/v1/manifest.json", Bytes.Random(10, 5));
        await PutAsync("manifests/app/v2/manifest.json", Bytes.Random(20, 6));
        await PutAsync("manifests/application/v1/manifest.json", Bytes.Random(30, 7));
        await PutAsync("blobs/sha256/x", Bytes.Random(40, 8));

        var app = new Dictionary<string, long>();
        await foreach (var info in Store.ListAsync("manifests/app/", None)) app[info.Key] = info.Size;
        var all = new List<string>();
        await foreach (var info in Store.ListAsync("", None)) all.Add(info.Key);

        Assert.That(app, Is.EqualTo(new Dictionary<string, long>
        {
            ["manifests/app/v1/manifest.json"] = 10,
            ["manifests/app/v2/manifest.json"] = 20,
        }));
        Assert.That(all, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task Listing_pages_through_more_objects_than_one_page()
    {
        // The store asks for 1000 a page; the emulator's own paging must be followed too.
        for (var i = 0; i < 30; i++) await PutAsync($"many/{i:D3}", [(byte)i]);

        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("many/", None)) keys.Add(info.Key);

        Assert.That(keys.Order(), Is.EqualTo(Enumerable.Range(0, 30).Select(i => $"many/{i:D3}")));
    }

    [Test]
    public async Task Delete_removes_an_object_and_is_idempotent()
    {
        await PutAsync("doomed", Bytes.Random(10, 9));

        await Store.DeleteAsync("doomed", None);
        await Store.DeleteAsync("doomed", None);
        await Store.DeleteAsync("never/existed", None);

        Assert.That(await Store.HeadAsync("doomed", None), Is.Null);
    }

    [Test]
    public async Task Keys_with_spaces_and_plus_signs_round_trip()
    {
        var bytes = Bytes.Random(1000, 11);
        await PutAsync("odd/a b+c=d&e", bytes);

        Assert.That(await GetAsync("odd/a b+c=d&e"), Is.EqualTo(bytes));
        var keys = new List<string>();
        await foreach (var info in Store.ListAsync("odd/", None)) keys.Add(info.Key);
        Assert.That(keys, Is.EqualTo(new[] { "odd/a b+c=d&e" }));
    }

    [Test]
    public void The_display_name_is_the_gs_url()
    {
        Assert.That(Store.DisplayName, Is.EqualTo($"gs://{Bucket}"));
    }
}
