using System.Security.Cryptography;
using S3lo.Core.Storage;
using S3lo.Core.Streams;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Streams;

public sealed class ParallelRangeReadStreamTests
{
    private string _root = "";

    [SetUp]
    public void CreateStore() => _root = Directory.CreateTempSubdirectory("s3lo-ranges-").FullName;

    [TearDown]
    public void RemoveStore() => Directory.Delete(_root, recursive: true);

    [TestCase(10 * 1024 * 1024 + 17, 1 << 20, 3)]
    [TestCase(1 << 20, 1 << 20, 4)]
    [TestCase(5, 1 << 20, 2)]
    [TestCase(3 * 1024 * 1024, 1 << 20, 1)]
    public async Task RangesFetchedInParallelComeBackInOrder(int size, int rangeSize, int parallel)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        await using var store = new LocalObjectStore(_root);
        await store.PutAsync("blobs/x", new MemoryStream(bytes), bytes.Length, PutOptions.Blob, CancellationToken.None);

        await using var stream = new ParallelRangeReadStream(store, "blobs/x", size, rangeSize, parallel, CancellationToken.None);
        using var copy = new MemoryStream();
        // Small reads, so ranges are crossed mid-buffer.
        var buffer = new byte[7777];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) copy.Write(buffer, 0, n);

        Assert.That(SHA256.HashData(copy.ToArray()), Is.EqualTo(SHA256.HashData(bytes)));
        Assert.That(stream.Position, Is.EqualTo(size));
    }

    [Test]
    public async Task AMissingObjectFailsTheRead()
    {
        await using var store = new LocalObjectStore(_root);
        await using var stream = new ParallelRangeReadStream(store, "blobs/none", 3 << 20, 1 << 20, 2, CancellationToken.None);
        Assert.That(async () => await stream.ReadAsync(new byte[10]), Throws.InstanceOf<ObjectNotFoundException>());
    }

    [Test]
    public async Task AnObjectShorterThanAnnouncedFailsTheRead()
    {
        await using var store = new LocalObjectStore(_root);
        await store.PutAsync("blobs/short", new MemoryStream(new byte[1000]), 1000, PutOptions.Blob, CancellationToken.None);
        await using var stream = new ParallelRangeReadStream(store, "blobs/short", 5000, 4096, 2, CancellationToken.None);
        Assert.That(async () => await stream.CopyToAsync(Stream.Null), Throws.InstanceOf<EndOfStreamException>());
    }

    [Test]
    public async Task DisposingTwiceIsHarmless()
    {
        await using var store = new LocalObjectStore(_root);
        await store.PutAsync("blobs/y", new MemoryStream(new byte[3000]), 3000, PutOptions.Blob, CancellationToken.None);
        var stream = new ParallelRangeReadStream(store, "blobs/y", 3000, 1000, 2, CancellationToken.None);
        await stream.ReadExactlyAsync(new byte[10]);
        stream.Dispose();
        Assert.That(() => stream.Dispose(), Throws.Nothing);
    }
}
