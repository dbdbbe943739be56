using S3lo.Core.Storage;

namespace S3lo.Tests.Shared.Contracts;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, whatever the scheme: each provider's test project
/// derives a fixture that opens a store over a fresh, empty bucket on its real server (or emulator).
/// A provider that cannot show one behaviour there overrides that test and says why; none is skipped.
/// </summary>
public abstract class ObjectStoreContract
{
    protected const int MiB = 1 << 20;
    protected static readonly CancellationToken None = CancellationToken.None;

    protected IObjectStore Store { get; private set; } = null!;

    /// <summary>A store over a fresh, empty bucket (container, directory), tuned so <see cref="LargeObjectBytes"/> crosses its multipart threshold.</summary>
    protected abstract Task<IObjectStore> OpenFreshStoreAsync();

    /// <summary>Removes the bucket <see cref="OpenFreshStoreAsync"/> made, with everything in it.</summary>
    protected abstract Task DeleteFreshStoreAsync();

    /// <summary>An object size that goes up in several parts (chunks, blocks) on this provider.</summary>
    protected virtual int LargeObjectBytes => 3 * MiB + 17;

    [SetUp]
    public async Task OpenStore() => Store = await OpenFreshStoreAsync();

    [TearDown]
    public async Task CloseStore()
    {
        if (Store is not null) await Store.DisposeAsync();
        await DeleteFreshStoreAsync();
    }

    [Test]
    public Task AnEmptyObjectReadsBackEmpty() => AssertRoundTripAsync(0, seed: 1);

    [Test]
    public Task AOneByteObjectReadsBackByteExact() => AssertRoundTripAsync(1, seed: 2);

    [Test]
    public Task AMultipartObjectReadsBackByteExact() => AssertRoundTripAsync(LargeObjectBytes, seed: 3);

    [Test]
    public async Task HeadGivesTheSizeAndTheETagThePutReturned()
    {
        var bytes = Bytes.Random(1000, seed: 4);

        var put = await PutAsync("manifests/app/v1/manifest.json", bytes);
        var head = await Store.HeadAsync("manifests/app/v1/manifest.json", None);

        Assert.That(head, Is.Not.Null);
        Assert.That(head!.Key, Is.EqualTo("manifests/app/v1/manifest.json"));
        Assert.That(head.Size, Is.EqualTo(1000));
        Assert.That(put.Size, Is.EqualTo(1000));
        Assert.That(head.ETag, Is.Not.Null.And.Not.Empty);
        Assert.That(head.ETag, Is.EqualTo(put.ETag));
        Assert.That(head.LastModified, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public async Task AMissingKeyHasNoHeadAndReadingItThrowsObjectNotFound()
    {
        Assert.That(await Store.HeadAsync("blobs/sha256/missing", None), Is.Null);

        var e = Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync("blobs/sha256/missing", None));
        Assert.That(e!.Key, Is.EqualTo("blobs/sha256/missing"));
        Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadRangeAsync("blobs/sha256/missing", 0, 1, None));
    }

    [Test]
    public async Task RangeReadsReturnExactlyTheRequestedBytes()
    {
        var bytes = Bytes.Random(100_000, seed: 5);
        await PutAsync("blobs/sha256/ranged", bytes);

        Assert.That(await ReadRangeAsync("blobs/sha256/ranged", 0, 10), Is.EqualTo(bytes[..10]));
        Assert.That(await ReadRangeAsync("blobs/sha256/ranged", 4096, 50_000), Is.EqualTo(bytes[4096..54_096]));
        Assert.That(await ReadRangeAsync("blobs/sha256/ranged", 99_999, 1), Is.EqualTo(bytes[99_999..]));
    }

    [Test]
    public async Task ListingAPrefixGivesEveryKeyUnderItWithItsSizeAndNothingElse()
    {
        await PutAsync("manifests/org/app/v1/manifest.json", Bytes.Random(10, 6));
        await PutAsync("manifests/org/app/v2/manifest.json", Bytes.Random(20, 7));
        await PutAsync("manifests/org/apple/v1/manifest.json", Bytes.Random(30, 8));
        await PutAsync("blobs/sha256/aa", Bytes.Random(40, 9));

        var listed = await ListAsync("manifests/org/app/");

        Assert.That(listed.Select(i => (i.Key, i.Size)), Is.EqualTo(new[]
        {
            ("manifests/org/app/v1/manifest.json", 10L),
            ("manifests/org/app/v2/manifest.json", 20L),
        }));
        Assert.That((await ListAsync("")).Select(i => i.Key), Is.EqualTo(new[]
        {
            "blobs/sha256/aa",
            "manifests/org/app/v1/manifest.json",
            "manifests/org/app/v2/manifest.json",
            "manifests/org/apple/v1/manifest.json",
        }));
        Assert.That(await ListAsync("nothing/here/"), Is.Empty);
    }

    [Test]
    public async Task DeleteRemovesTheObjectAndDeletingAMissingKeyIsNoError()
    {
        await PutAsync("blobs/sha256/gone", Bytes.Random(10, 10));

        await Store.DeleteAsync("blobs/sha256/gone", None);
        Assert.That(await Store.HeadAsync("blobs/sha256/gone", None), Is.Null);

        Assert.DoesNotThrowAsync(() => Store.DeleteAsync("blobs/sha256/gone", None));
        Assert.DoesNotThrowAsync(() => Store.DeleteAsync("blobs/sha256/never-was", None));
        Assert.That(await ListAsync(""), Is.Empty, "a delete of a missing key creates nothing");
    }

    [Test]
    public async Task PutIfAbsentWritesANewKeyAndRefusesAnExistingOne()
    {
        await PutAsync("manifests/app/v1/manifest.json", "first"u8.ToArray(), WriteCondition.IfAbsent);

        var e = Assert.ThrowsAsync<PreconditionFailedException>(() =>
            PutAsync("manifests/app/v1/manifest.json", "second"u8.ToArray(), WriteCondition.IfAbsent));

        Assert.That(e!.Key, Is.EqualTo("manifests/app/v1/manifest.json"));
        Assert.That(await ReadAsync("manifests/app/v1/manifest.json"), Is.EqualTo("first"u8.ToArray()));
    }

    [Test]
    public async Task PutIfMatchReplacesWithTheCurrentETagAndRefusesAStaleOne()
    {
        var first = await PutAsync("manifests/app/v1/manifest.json", "first"u8.ToArray());
        var second = await PutAsync("manifests/app/v1/manifest.json", "second"u8.ToArray(), WriteCondition.IfMatch(first.ETag!));

        var e = Assert.ThrowsAsync<PreconditionFailedException>(() =>
            PutAsync("manifests/app/v1/manifest.json", "stale"u8.ToArray(), WriteCondition.IfMatch(first.ETag!)));

        Assert.That(e!.Key, Is.EqualTo("manifests/app/v1/manifest.json"));
        Assert.That(second.ETag, Is.Not.EqualTo(first.ETag));
        Assert.That(await ReadAsync("manifests/app/v1/manifest.json"), Is.EqualTo("second"u8.ToArray()));
    }

    [Test]
    public async Task PutIfMatchOnAMissingKeyIsRefused()
    {
        var gone = await PutAsync("manifests/app/v1/manifest.json", "first"u8.ToArray());
        await Store.DeleteAsync("manifests/app/v1/manifest.json", None);

        var e = Assert.ThrowsAsync<PreconditionFailedException>(() =>
            PutAsync("manifests/app/v1/manifest.json", "second"u8.ToArray(), WriteCondition.IfMatch(gone.ETag!)));

        Assert.That(e!.Key, Is.EqualTo("manifests/app/v1/manifest.json"));
        Assert.That(await Store.HeadAsync("manifests/app/v1/manifest.json", None), Is.Null, "the refused put writes nothing");
    }

    [Test]
    public async Task DeleteIfMatchRefusesAStaleETagAndDeletesWithTheCurrentOne()
    {
        var first = await PutAsync("manifests/app/v1/manifest.json", "first"u8.ToArray());
        var second = await PutAsync("manifests/app/v1/manifest.json", "second"u8.ToArray());

        var e = Assert.ThrowsAsync<PreconditionFailedException>(() => Store.DeleteIfMatchAsync("manifests/app/v1/manifest.json", first.ETag!, None));
        Assert.That(e!.Key, Is.EqualTo("manifests/app/v1/manifest.json"));
        Assert.That(await ReadAsync("manifests/app/v1/manifest.json"), Is.EqualTo("second"u8.ToArray()));

        await Store.DeleteIfMatchAsync("manifests/app/v1/manifest.json", second.ETag!, None);
        Assert.That(await Store.HeadAsync("manifests/app/v1/manifest.json", None), Is.Null);
    }

    [Test]
    public async Task APutWhoseStreamThrowsMidwayLeavesNothingAtTheKey()
    {
        var bytes = Bytes.Random(LargeObjectBytes, seed: 11);

        Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("blobs/sha256/broken", new SourceStream(bytes, failAfter: bytes.Length / 2), bytes.Length, PutOptions.Blob, None));

        Assert.That(await Store.HeadAsync("blobs/sha256/broken", None), Is.Null);
        Assert.That(await ListAsync(""), Is.Empty, "no object, part or temp file may be listed");
    }

    [Test]
    public async Task AFailedOverwriteKeepsTheOldContent()
    {
        await PutAsync("blobs/sha256/kept", "old content"u8.ToArray());
        var bytes = Bytes.Random(LargeObjectBytes, seed: 12);

        Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("blobs/sha256/kept", new SourceStream(bytes, failAfter: bytes.Length / 2), bytes.Length, PutOptions.Blob, None));

        Assert.That(await ReadAsync("blobs/sha256/kept"), Is.EqualTo("old content"u8.ToArray()));
        Assert.That((await ListAsync("")).Select(i => i.Key), Is.EqualTo(new[] { "blobs/sha256/kept" }));
    }

    [Test]
    public async Task ConcurrentPutsOfDifferentKeysAllLand()
    {
        var objects = Enumerable.Range(0, 8).Select(i => (Key: $"blobs/sha256/c{i}", Bytes: Bytes.Random(50_000 + i, seed: 20 + i))).ToList();

        await Task.WhenAll(objects.Select(o => Task.Run(() => PutAsync(o.Key, o.Bytes, options: PutOptions.Blob))));

        foreach (var (key, bytes) in objects)
            Assert.That(Sha.Of(await ReadAsync(key)), Is.EqualTo(Sha.Of(bytes)), key);
        Assert.That((await ListAsync("blobs/")).Select(i => (i.Key, i.Size)), Is.EqualTo(objects.Select(o => (o.Key, (long)o.Bytes.Length))));
    }

    [Test]
    public async Task DeleteManyRemovesMoreKeysThanOneBatchHoldsAndIgnoresMissingOnes()
    {
        // 1,500 keys: more than one S3 DeleteObjects request (1,000 keys) carries.
        var doomed = Enumerable.Range(0, 1500).Select(i => $"blobs/sha256/d{i:D4}").ToList();
        await Parallel.ForEachAsync(doomed, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) =>
            await PutAsync(key, Bytes.Random(16, seed: key.GetHashCode(StringComparison.Ordinal))));
        await PutAsync("blobs/sha256/kept", "kept"u8.ToArray());
        await PutAsync("manifests/app/v1/manifest.json", "manifest"u8.ToArray());

        var failures = await Store.DeleteManyAsync([.. doomed, "blobs/sha256/never-was", "manifests/gone/v1/manifest.json"], None);

        Assert.That(failures, Is.Empty);
        Assert.That((await ListAsync("")).Select(i => i.Key), Is.EqualTo(new[] { "blobs/sha256/kept", "manifests/app/v1/manifest.json" }));
        Assert.That(await ReadAsync("blobs/sha256/kept"), Is.EqualTo("kept"u8.ToArray()));
    }

    [Test]
    public async Task DeleteManyOfNoKeysDeletesNothing()
    {
        await PutAsync("blobs/sha256/kept", "kept"u8.ToArray());

        var failures = await Store.DeleteManyAsync([], None);

        Assert.That(failures, Is.Empty);
        Assert.That((await ListAsync("")).Select(i => i.Key), Is.EqualTo(new[] { "blobs/sha256/kept" }));
    }

    protected Task<ObjectInfo> PutAsync(string key, byte[] bytes, WriteCondition? condition = null, PutOptions? options = null) =>
        Store.PutAsync(key, new SourceStream(bytes), bytes.Length,
            (options ?? PutOptions.Metadata) with { Condition = condition ?? WriteCondition.None }, None);

    protected async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, None);
        return await Bytes.ReadAllAsync(stream);
    }

    private async Task<byte[]> ReadRangeAsync(string key, long offset, long length)
    {
        await using var stream = await Store.OpenReadRangeAsync(key, offset, length, None);
        return await Bytes.ReadAllAsync(stream);
    }

    protected async Task<List<ObjectInfo>> ListAsync(string prefix)
    {
        var list = new List<ObjectInfo>();
        await foreach (var info in Store.ListAsync(prefix, None)) list.Add(info);
        return list.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    private async Task AssertRoundTripAsync(int size, int seed)
    {
        var bytes = Bytes.Random(size, seed);

        var put = await Store.PutAsync("blobs/sha256/object", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);

        Assert.That(put.Size, Is.EqualTo(size));
        Assert.That((await Store.HeadAsync("blobs/sha256/object", None))?.Size, Is.EqualTo(size));
        Assert.That(Sha.Of(await ReadAsync("blobs/sha256/object")), Is.EqualTo(Sha.Of(bytes)));
    }
}
