using S3lo.Core.Storage;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Storage;

[TestFixture]
public class LocalObjectStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _root = null!;
    private LocalObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("store");
        _root = _temp.Sub("root");
        _store = new LocalObjectStore(_root);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private Task<ObjectInfo> PutAsync(string key, byte[] bytes, WriteCondition? condition = null) =>
        _store.PutAsync(key, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata with { Condition = condition ?? WriteCondition.None }, None);

    private async Task<byte[]> GetAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, None);
        return await Bytes.ReadAllAsync(stream);
    }

    private async Task<List<ObjectInfo>> ListAsync(string prefix)
    {
        var list = new List<ObjectInfo>();
        await foreach (var info in _store.ListAsync(prefix, None)) list.Add(info);
        return list.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    [Test]
    public async Task PutGetHeadListDeleteRoundTrip()
    {
        var bytes = Bytes.Random(3 * 1024 * 1024 + 17, seed: 1);

        var put = await _store.PutAsync("blobs/sha256/abc", new MemoryStream(bytes), bytes.Length, PutOptions.Blob, None);
        var head = await _store.HeadAsync("blobs/sha256/abc", None);
        var read = await GetAsync("blobs/sha256/abc");
        var listed = await ListAsync("blobs/");

        Assert.That(Sha.Of(read), Is.EqualTo(Sha.Of(bytes)));
        Assert.That(put.Size, Is.EqualTo(bytes.Length));
        Assert.That(head, Is.Not.Null);
        Assert.That(head!.Size, Is.EqualTo(bytes.Length));
        Assert.That(head.ETag, Is.EqualTo(put.ETag).And.Not.Empty);
        Assert.That(listed.Select(i => i.Key), Is.EqualTo(new[] { "blobs/sha256/abc" }));
        Assert.That(listed[0].Size, Is.EqualTo(bytes.Length));
        Assert.That(File.Exists(Path.Combine(_root, "blobs", "sha256", "abc")), Is.True);

        await _store.DeleteAsync("blobs/sha256/abc", None);

        Assert.That(await _store.HeadAsync("blobs/sha256/abc", None), Is.Null);
        Assert.That(await ListAsync(""), Is.Empty);
        Assert.That(async () => await _store.OpenReadAsync("blobs/sha256/abc", None),
            Throws.TypeOf<ObjectNotFoundException>().With.Property(nameof(ObjectNotFoundException.Key)).EqualTo("blobs/sha256/abc"));
    }

    [Test]
    public async Task OverwriteReplacesTheContent()
    {
        await PutAsync("a/b", "first"u8.ToArray());
        await PutAsync("a/b", "second, longer"u8.ToArray());

        Assert.That(await GetAsync("a/b"), Is.EqualTo("second, longer"u8.ToArray()));
    }

    [Test]
    public async Task ListFiltersByPrefixIncludingPartialNames()
    {
        await PutAsync("manifests/org/app/v1/manifest.json", [1]);
        await PutAsync("manifests/org/apple/v1/manifest.json", [2]);
        await PutAsync("manifests/other/v1/manifest.json", [3]);
        await PutAsync("s3lo.yaml", [4]);

        Assert.That((await ListAsync("manifests/org/app/")).Select(i => i.Key), Is.EqualTo(new[] { "manifests/org/app/v1/manifest.json" }));
        Assert.That((await ListAsync("manifests/org/app")).Select(i => i.Key),
            Is.EqualTo(new[] { "manifests/org/app/v1/manifest.json", "manifests/org/apple/v1/manifest.json" }));
        Assert.That((await ListAsync("")).Select(i => i.Key).ToList(), Has.Count.EqualTo(4));
        Assert.That(await ListAsync("nothing/here/"), Is.Empty);
    }

    [Test]
    public async Task APutWhoseStreamThrowsMidwayLeavesNothingAtTheKeyAndNoVisibleTempFile()
    {
        var bytes = Bytes.Random(2 * 1024 * 1024, seed: 2);
        var failing = new SourceStream(bytes, failAfter: 1024 * 1024, maxChunk: 64 * 1024);

        Assert.That(async () => await _store.PutAsync("blobs/sha256/partial", failing, bytes.Length, PutOptions.Blob, None),
            Throws.TypeOf<IOException>().With.Message.EqualTo("connection reset by the test"));

        Assert.That(await _store.HeadAsync("blobs/sha256/partial", None), Is.Null);
        Assert.That(await ListAsync(""), Is.Empty, "no object and no temp file may be listed");
        Assert.That(TempDir.FilesUnder(_root), Is.Empty, "the temp file must be removed from disk too");
    }

    [Test]
    public async Task ACancelledPutLeavesNothing()
    {
        using var cts = new CancellationTokenSource();
        var bytes = Bytes.Random(1 << 20, seed: 4);
        var stream = new CancellingStream(new MemoryStream(bytes), cts, cancelAfter: 1000, maxChunk: 512);

        Assert.That(async () => await _store.PutAsync("c", stream, bytes.Length, PutOptions.Blob, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await _store.HeadAsync("c", None), Is.Null);
        Assert.That(TempDir.FilesUnder(_root), Is.Empty);
    }

    [Test]
    public async Task AStreamShorterThanTheDeclaredLengthIsRejected()
    {
        Assert.That(async () => await _store.PutAsync("short", new MemoryStream(new byte[10]), 20, PutOptions.Metadata, None),
            Throws.InstanceOf<IOException>());

        Assert.That(await _store.HeadAsync("short", None), Is.Null);
        Assert.That(TempDir.FilesUnder(_root), Is.Empty);
    }

    [Test]
    public async Task IfAbsentOnAnExistingKeyThrowsPreconditionFailedAndKeepsTheContent()
    {
        await PutAsync("tag/manifest.json", "mine"u8.ToArray());

        Assert.That(async () => await PutAsync("tag/manifest.json", "theirs"u8.ToArray(), WriteCondition.IfAbsent),
            Throws.TypeOf<PreconditionFailedException>().With.Property(nameof(PreconditionFailedException.Key)).EqualTo("tag/manifest.json"));

        Assert.That(await GetAsync("tag/manifest.json"), Is.EqualTo("mine"u8.ToArray()));
        Assert.That(TempDir.FilesUnder(_root), Is.EqualTo(new[] { "tag/manifest.json" }));
    }

    [Test]
    public async Task IfMatchWithAStaleETagThrowsAndKeepsTheOtherWritersContent()
    {
        var mine = await PutAsync("m", "version one"u8.ToArray());
        await PutAsync("m", "version two by another writer"u8.ToArray());

        Assert.That(async () => await PutAsync("m", "version three"u8.ToArray(), WriteCondition.IfMatch(mine.ETag!)),
            Throws.TypeOf<PreconditionFailedException>());

        Assert.That(await GetAsync("m"), Is.EqualTo("version two by another writer"u8.ToArray()));
        Assert.That(TempDir.FilesUnder(_root), Is.EqualTo(new[] { "m" }));
    }

    [Test]
    public async Task IfMatchWithAStaleETagOfTheSameSizeThrows()
    {
        // Same-size rewrites are the common case for a tag (a manifest differs only in digests).
        var mine = await PutAsync("m", "AAAAAAAA"u8.ToArray());
        await PutAsync("m", "BBBBBBBB"u8.ToArray());

        Assert.That(async () => await PutAsync("m", "CCCCCCCC"u8.ToArray(), WriteCondition.IfMatch(mine.ETag!)),
            Throws.TypeOf<PreconditionFailedException>());
        Assert.That(await GetAsync("m"), Is.EqualTo("BBBBBBBB"u8.ToArray()));
    }

    [Test]
    public async Task OfConcurrentIfMatchWritersWithTheSameETagExactlyOneWins()
    {
        var original = await PutAsync("tag", "original-00"u8.ToArray());
        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await PutAsync("tag", System.Text.Encoding.UTF8.GetBytes($"writer-{i:D3}"), WriteCondition.IfMatch(original.ETag!));
                return i;
            }
            catch (PreconditionFailedException)
            {
                return -1;
            }
        })).ToList();

        var winners = (await Task.WhenAll(writers)).Where(i => i >= 0).ToList();

        Assert.That(winners, Has.Count.EqualTo(1));
        Assert.That(await GetAsync("tag"), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes($"writer-{winners[0]:D3}")));
        Assert.That((await ListAsync("")).Select(i => i.Key), Is.EqualTo(new[] { "tag" }), "lock and temp files stay invisible");
    }

    [Test]
    public void IfMatchOnAMissingKeyThrows()
    {
        Assert.That(async () => await PutAsync("gone", "x"u8.ToArray(), WriteCondition.IfMatch("1-2")),
            Throws.TypeOf<PreconditionFailedException>());
        Assert.That(TempDir.FilesUnder(_root), Is.Empty);
    }

    [TestCase("../escape")]
    [TestCase("a/../../escape")]
    [TestCase("a/../b")]
    [TestCase("..")]
    [TestCase("/etc/s3lo-escape")]
    [TestCase("/abs")]
    [TestCase("a//b")]
    [TestCase("a/")]
    [TestCase("")]
    [TestCase("a/./b")]
    [TestCase(".")]
    [TestCase("a\\..\\..\\b")]
    [TestCase("a\0b")]
    public void UnsafeKeysAreRejectedAndNothingIsWrittenOutsideTheRoot(string key)
    {
        var bytes = "escape"u8.ToArray();

        Assert.That(async () => await _store.PutAsync(key, new MemoryStream(bytes), bytes.Length, PutOptions.Metadata, None),
            Throws.InstanceOf<Errors.S3loException>().With.Message.Contains("is not a key inside the local store"));
        Assert.That(async () => await _store.HeadAsync(key, None), Throws.InstanceOf<Errors.S3loException>());
        Assert.That(async () => await _store.OpenReadAsync(key, None), Throws.InstanceOf<Errors.S3loException>());
        Assert.That(async () => await _store.OpenReadRangeAsync(key, 0, 1, None), Throws.InstanceOf<Errors.S3loException>());
        Assert.That(async () => await _store.DeleteAsync(key, None), Throws.InstanceOf<Errors.S3loException>());

        Assert.That(TempDir.FilesUnder(_temp.Path), Is.Empty, "nothing may be written anywhere");
        Assert.That(File.Exists("/etc/s3lo-escape"), Is.False);
    }

    [Test]
    public async Task DeleteRemovesEmptyParentsButNotTheRootOrSiblings()
    {
        await PutAsync("manifests/a/v1/manifest.json", [1]);
        await PutAsync("manifests/b/v1/manifest.json", [2]);

        await _store.DeleteAsync("manifests/a/v1/manifest.json", None);

        Assert.That(Directory.Exists(Path.Combine(_root, "manifests", "a")), Is.False);
        Assert.That(Directory.Exists(_root), Is.True);
        Assert.That(await GetAsync("manifests/b/v1/manifest.json"), Is.EqualTo(new byte[] { 2 }));
    }

    [TestCase(0, 10)]
    [TestCase(1000, 1)]
    [TestCase(12345, 54321)]
    [TestCase(99_990, 10)]
    public async Task OpenReadRangeReturnsExactlyTheRange(int offset, int length)
    {
        var bytes = Bytes.Random(100_000, seed: 5);
        await PutAsync("r", bytes);

        await using var stream = await _store.OpenReadRangeAsync("r", offset, length, None);
        var read = await Bytes.ReadAllAsync(stream);

        Assert.That(read, Is.EqualTo(bytes.AsSpan(offset, length).ToArray()));
    }

    [Test]
    public async Task ProviderOpensExistingRootsAndRefusesMissingOnesUnlessAskedToCreate()
    {
        var provider = new LocalStoreProvider();
        var missing = Path.Combine(_temp.Path, "missing");

        Assert.That(async () => await provider.OpenAsync(missing, new StoreOptions(), None), Throws.TypeOf<Errors.NotFoundException>());
        Assert.That(Directory.Exists(missing), Is.False);

        await using var created = await provider.OpenAsync(missing, new StoreOptions { CreateIfMissing = true }, None);
        Assert.That(Directory.Exists(missing), Is.True);
        Assert.That(created.DisplayName, Is.EqualTo("local://" + Path.GetFullPath(missing)));
    }
}
