using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Serving;
using S3lo.Core.Signing;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Serving;

/// <summary>
/// The storage side of 's3lo serve' on a copy of the fixture store (a real local bucket). The cache, gate and
/// listing tests look through <see cref="WatchedStore"/> at what reached the store.
/// </summary>
public sealed class RegistryReaderTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private ImageBucket _bucket = null!;
    private RegistryReader _reader = null!;
    private static readonly string TagKey = BucketLayout.ManifestKey(FixtureStore.Repository, FixtureStore.Tag);

    [SetUp]
    public void Open()
    {
        _temp = new TempDir();
        _bucket = new ImageBucket(new LocalObjectStore(FixtureStore.CopyTo(_temp.Sub("store"))));
        _reader = new RegistryReader(_bucket);
    }

    [TearDown]
    public async Task Close()
    {
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task TagAndDigestGiveTheStoredIndexBytes()
    {
        var stored = await File.ReadAllBytesAsync(FixtureStore.ManifestPath);
        var byTag = await _reader.GetManifestAsync("alpine", "latest", None);
        var byDigest = await _reader.GetManifestAsync("alpine", FixtureStore.IndexDigest, None);
        foreach (var served in new[] { byTag, byDigest })
        {
            Assert.That(served.Bytes, Is.EqualTo(stored));
            Assert.That(served.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
            Assert.That(served.MediaType, Is.EqualTo("application/vnd.oci.image.index.v1+json"));
        }
        var child = await _reader.GetManifestAsync("alpine", FixtureStore.Amd64ManifestDigest, None);
        Assert.That(child.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public void ALayerDigestIsNoManifest()
    {
        var e = Assert.ThrowsAsync<RegistryException>(() => _reader.GetManifestAsync("alpine", FixtureStore.Amd64ConfigDigest, None));
        Assert.That(e!.Code, Is.EqualTo(RegistryErrorCode.ManifestUnknown));
    }

    [TestCase("UPPER", "x", RegistryErrorCode.NameInvalid)]
    [TestCase("a/../b", "x", RegistryErrorCode.NameInvalid)]
    [TestCase("a//b", "x", RegistryErrorCode.NameInvalid)]
    [TestCase("alpine", ".hidden", RegistryErrorCode.TagInvalid)]
    [TestCase("alpine", "sha256:abc", RegistryErrorCode.DigestInvalid)]
    [TestCase("alpine", "nope", RegistryErrorCode.ManifestUnknown)]
    public void BadOrUnknownReferencesHaveTheirCode(string name, string reference, RegistryErrorCode code)
    {
        var e = Assert.ThrowsAsync<RegistryException>(() => _reader.GetManifestAsync(name, reference, None));
        Assert.That(e!.Code, Is.EqualTo(code));
    }

    [Test]
    public async Task BlobRangeIsReadAsARange()
    {
        var whole = await File.ReadAllBytesAsync(Path.Combine(FixtureStore.Path, "blobs", "sha256", FixtureStore.Amd64ConfigDigest[7..]));
        await using var blob = await _reader.GetBlobAsync("alpine", FixtureStore.Amd64ConfigDigest, true, 5, 14, None);
        using var copy = new MemoryStream();
        await blob.Content!.CopyToAsync(copy);
        Assert.That(blob.Size, Is.EqualTo(whole.Length));
        Assert.That((blob.Offset, blob.Length), Is.EqualTo((5L, 10L)));
        Assert.That(copy.ToArray(), Is.EqualTo(whole[5..15]));
        var outside = Assert.ThrowsAsync<RegistryException>(() => _reader.GetBlobAsync("alpine", FixtureStore.Amd64ConfigDigest, true, whole.Length, null, None));
        Assert.That(outside!.Code, Is.EqualTo(RegistryErrorCode.RangeInvalid));
    }

    [Test]
    public void PagesFollowOrdinalOrder()
    {
        var page = NamePage.Of(["b", "a", "c", "a"], 2, null);
        Assert.That(page.Names, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(page.Next, Is.EqualTo("b"));
        var rest = NamePage.Of(["b", "a", "c"], 2, page.Next);
        Assert.That(rest.Names, Is.EqualTo(new[] { "c" }));
        Assert.That(rest.Next, Is.Null);
    }

    [Test]
    public async Task ATagReadTwiceWithinTheTtlIsReadFromTheStoreOnce()
    {
        var (reader, store) = Watched(new RegistryReaderOptions { Clock = new ManualClock() });
        var first = await reader.GetManifestAsync("alpine", "latest", None);
        var second = await reader.GetManifestAsync("alpine", "latest", None);
        Assert.That(second.Bytes, Is.EqualTo(first.Bytes));
        Assert.That(store.Opened.Count(k => k == TagKey), Is.EqualTo(1));
        Assert.That((reader.ManifestCacheHits, reader.ManifestCacheMisses), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public async Task APushFromElsewhereShowsOnceTheTtlHasPassed()
    {
        var clock = new ManualClock();
        var (reader, _) = Watched(new RegistryReaderOptions { CacheTtl = TimeSpan.FromSeconds(10), Clock = clock });
        Assert.That((await reader.GetManifestAsync("alpine", "latest", None)).Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        await MoveLatestToAmd64Async();

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.That((await reader.GetManifestAsync("alpine", "latest", None)).Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest), "within the TTL");
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await reader.GetManifestAsync("alpine", "latest", None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest), "after the TTL");
        // the old root stays served by digest: a digest names the same bytes forever
        Assert.That((await reader.GetManifestAsync("alpine", FixtureStore.IndexDigest, None)).Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
    }

    [Test]
    public async Task ForgetTagShowsTheNewManifestAtOnce()
    {
        var (reader, _) = Watched(new RegistryReaderOptions { CacheTtl = TimeSpan.FromHours(1), Clock = new ManualClock() });
        await reader.GetManifestAsync("alpine", "latest", None);
        await MoveLatestToAmd64Async();
        reader.ForgetTag("alpine", "latest");
        Assert.That((await reader.GetManifestAsync("alpine", "latest", None)).Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public async Task AZeroTtlReadsTheStoreEveryTime()
    {
        var (reader, store) = Watched(new RegistryReaderOptions { CacheTtl = TimeSpan.Zero });
        for (var i = 0; i < 3; i++) await reader.GetManifestAsync("alpine", "latest", None);
        Assert.That(store.Opened.Count(k => k == TagKey), Is.EqualTo(3));
        Assert.That((reader.ManifestCacheHits, reader.ManifestCacheMisses), Is.EqualTo((0L, 3L)));
    }

    [Test]
    public async Task ConcurrentMissesOfOneTagShareOneStoreRead()
    {
        var (reader, store) = Watched(new RegistryReaderOptions());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeOpen = key => key == TagKey ? release.Task : Task.CompletedTask;
        var reads = Enumerable.Range(0, 10).Select(_ => reader.GetManifestAsync("alpine", "latest", None)).ToList();
        release.SetResult();
        var served = await Task.WhenAll(reads);
        Assert.That(served.Select(m => m.Digest.ToString()).Distinct(), Is.EqualTo(new[] { FixtureStore.IndexDigest }));
        Assert.That(store.Opened.Count(k => k == TagKey), Is.EqualTo(1));
        Assert.That((reader.ManifestCacheHits, reader.ManifestCacheMisses), Is.EqualTo((9L, 1L)));
    }

    [Test]
    public async Task ManifestsByDigestAreEvictedPastTheByteBound()
    {
        var amd64 = new FileInfo(BlobFile(FixtureStore.Amd64ManifestDigest)).Length;
        var arm64 = new FileInfo(BlobFile(FixtureStore.Arm64ManifestDigest)).Length;
        // room for either manifest, not for both
        var (reader, store) = Watched(new RegistryReaderOptions { CacheBytes = amd64 + arm64 - 1 });
        await reader.GetManifestAsync("alpine", FixtureStore.Amd64ManifestDigest, None);
        await reader.GetManifestAsync("alpine", FixtureStore.Amd64ManifestDigest, None);
        Assert.That(store.Opened.Count(k => k == BlobKey(FixtureStore.Amd64ManifestDigest)), Is.EqualTo(1), "kept while it fits");
        await reader.GetManifestAsync("alpine", FixtureStore.Arm64ManifestDigest, None);
        await reader.GetManifestAsync("alpine", FixtureStore.Amd64ManifestDigest, None);
        Assert.That(store.Opened.Count(k => k == BlobKey(FixtureStore.Amd64ManifestDigest)), Is.EqualTo(2), "evicted by the arm64 manifest");
    }

    [Test]
    public async Task StorageCallsInProgressNeverExceedTheLimit()
    {
        var (limited, limitedStore) = Watched(new RegistryReaderOptions { MaxStorageCalls = 3, CacheTtl = TimeSpan.Zero });
        await Task.WhenAll(Workload(limited));
        Assert.That(limitedStore.MaxInFlight, Is.InRange(1, 3));

        // the same workload without a tight limit does overlap more: the bound above is the gate's doing
        var (open, openStore) = Watched(new RegistryReaderOptions { MaxStorageCalls = 64, CacheTtl = TimeSpan.Zero }, "store2");
        await Task.WhenAll(Workload(open));
        Assert.That(openStore.MaxInFlight, Is.GreaterThan(3));
    }

    [Test]
    public async Task AnOpenBlobStreamHoldsNoSlotBetweenReads()
    {
        var (reader, _) = Watched(new RegistryReaderOptions { MaxStorageCalls = 1, CacheTtl = TimeSpan.Zero });
        await using var blob = await reader.GetBlobAsync("alpine", FixtureStore.Amd64LayerDigest, true, null, null, None);
        var first = new byte[100];
        Assert.That(await blob.Content!.ReadAsync(first), Is.GreaterThan(0));
        // a client that stopped reading midway: other requests still get the one slot
        var manifest = await reader.GetManifestAsync("alpine", "latest", None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(manifest.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(reader.Gate.InFlight, Is.Zero);
    }

    [Test]
    public async Task TagsListListsOnlyTheRepositoryPrefix()
    {
        var (reader, store) = Watched(new RegistryReaderOptions());
        var index = ManifestBlob.Parse(await File.ReadAllBytesAsync(FixtureStore.ManifestPath), "index");
        await _bucket.WriteTagAsync("alpine/sub", "1", index, S3lo.Core.Storage.WriteCondition.None, None);
        await _bucket.WriteTagAsync("other", "1", index, S3lo.Core.Storage.WriteCondition.None, None);

        var page = await reader.ListTagsAsync("alpine", null, null, None);
        Assert.That(page.Names, Is.EqualTo(new[] { "latest" }), "alpine/sub:1 is another repository");
        Assert.That(store.Listed, Is.EqualTo(new[] { "manifests/alpine/" }));
        Assert.That((await reader.ListTagsAsync("alpine/sub", null, null, None)).Names, Is.EqualTo(new[] { "1" }));
    }

    [Test]
    public async Task ARootDigestIsSearchedAmongTheRepositoryTagsOnly()
    {
        var (reader, store) = Watched(new RegistryReaderOptions());
        var root = await reader.GetManifestAsync("alpine", FixtureStore.IndexDigest, None);
        Assert.That(root.Digest.ToString(), Is.EqualTo(FixtureStore.IndexDigest));
        Assert.That(store.Listed, Is.EqualTo(new[] { "manifests/alpine/" }));
    }

    [Test]
    public async Task TheRepositoryListIsReadOncePerTtlAndAfterAForgottenTag()
    {
        var clock = new ManualClock();
        var (reader, store) = Watched(new RegistryReaderOptions { CacheTtl = TimeSpan.FromSeconds(10), Clock = clock });
        Assert.That((await reader.ListRepositoriesAsync(null, null, None)).Names, Is.EqualTo(new[] { "alpine" }));
        var perListing = store.Listed.Count;
        Assert.That(store.Listed, Does.Not.Contain("manifests/"), "listed as one prefix per first character");

        var index = ManifestBlob.Parse(await File.ReadAllBytesAsync(FixtureStore.ManifestPath), "index");
        await _bucket.WriteTagAsync("busybox", "1", index, S3lo.Core.Storage.WriteCondition.None, None);
        Assert.That((await reader.ListRepositoriesAsync(null, null, None)).Names, Is.EqualTo(new[] { "alpine" }), "within the TTL");
        Assert.That(store.Listed, Has.Count.EqualTo(perListing));

        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.That((await reader.ListRepositoriesAsync(null, null, None)).Names, Is.EqualTo(new[] { "alpine", "busybox" }));
        await _bucket.WriteTagAsync("cirros", "1", index, S3lo.Core.Storage.WriteCondition.None, None);
        reader.ForgetTag("cirros", "1");
        Assert.That((await reader.ListRepositoriesAsync(null, null, None)).Names, Is.EqualTo(new[] { "alpine", "busybox", "cirros" }));
    }

    [Test]
    public void PagingByZeroIsAnEmptyPageAndLastNeedNotExist()
    {
        Assert.That(NamePage.Of(["a", "b"], 0, null), Is.EqualTo(new NamePage([], null)).Using<NamePage>((x, y) => x.Names.SequenceEqual(y.Names) && x.Next == y.Next));
        Assert.That(NamePage.Of(["a", "c", "d"], 5, "b").Names, Is.EqualTo(new[] { "c", "d" }));
    }

    [Test]
    public async Task AnUnknownSubjectHasAnEmptyReferrersList()
    {
        var list = await _reader.GetReferrersAsync("alpine", "sha256:" + new string('0', 64), null, None);
        Assert.That(list.Referrers, Is.Empty);
        Assert.That(Encoding.UTF8.GetString(list.ToIndexBytes()),
            Is.EqualTo("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""));
        Assert.That((await _reader.GetReferrersAsync("never/pushed", FixtureStore.IndexDigest, null, None)).Referrers, Is.Empty);
    }

    [Test]
    public void AnInvalidSubjectIsDigestInvalid()
    {
        var e = Assert.ThrowsAsync<RegistryException>(() => _reader.GetReferrersAsync("alpine", "sha256:xyz", null, None));
        Assert.That(e!.Code, Is.EqualTo(RegistryErrorCode.DigestInvalid));
    }

    [Test]
    public async Task StoredReferrersAreListedAndFilteredByArtifactType()
    {
        var subject = Digest.Parse(FixtureStore.IndexDigest);
        var a = Digest.Compute("a"u8);
        var b = Digest.Compute("b"u8);
        await WriteObjectAsync(BucketLayout.ReferrerKey(subject, a),
            $$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{a}}}","size":10,"artifactType":"application/example.sbom","annotations":{"k":"v"}}""");
        await WriteObjectAsync(BucketLayout.ReferrerKey(subject, b),
            $$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{b}}","size":20,"artifactType":"application/example.sig"}""");
        // damaged entries are left out: not JSON, and a descriptor of another digest than its key names
        await WriteObjectAsync(BucketLayout.ReferrerKey(subject, Digest.Compute("c"u8)), "not json");
        await WriteObjectAsync(BucketLayout.ReferrerKey(subject, Digest.Compute("d"u8)),
            $$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{a}}","size":10}""");

        var all = await _reader.GetReferrersAsync("alpine", FixtureStore.IndexDigest, null, None);
        Assert.That(all.Referrers.Select(r => r.Digest), Is.EquivalentTo(new[] { a, b }));
        Assert.That(all.Filtered, Is.False);
        using (var index = JsonDocument.Parse(all.ToIndexBytes()))
        {
            var sbom = index.RootElement.GetProperty("manifests").EnumerateArray().Single(m => m.GetProperty("digest").GetString() == a.ToString());
            Assert.That(sbom.GetProperty("size").GetInt64(), Is.EqualTo(10));
            Assert.That(sbom.GetProperty("artifactType").GetString(), Is.EqualTo("application/example.sbom"));
            Assert.That(sbom.GetProperty("annotations").GetProperty("k").GetString(), Is.EqualTo("v"));
        }

        var filtered = await _reader.GetReferrersAsync("alpine", FixtureStore.IndexDigest, "application/example.sig", None);
        Assert.That(filtered.Referrers.Select(r => r.Digest), Is.EqualTo(new[] { b }));
        Assert.That(filtered.Filtered, Is.True);
    }

    [Test]
    public async Task ATagSignatureIsAReferrerOfItsDigestAndServedByDigest()
    {
        var document = await SignLatestAsync();
        var listed = (await _reader.GetReferrersAsync("alpine", FixtureStore.IndexDigest, null, None)).Referrers.Single();
        Assert.That(listed.ArtifactType, Is.EqualTo(SignatureArtifact.ArtifactType));
        Assert.That(listed.MediaType, Is.EqualTo(MediaTypes.OciManifest));
        Assert.That(listed.Annotations, Does.Contain(new KeyValuePair<string, string>(SignatureArtifact.KeyIdAnnotation, document.KeyId)));
        var filtered = await _reader.GetReferrersAsync("alpine", FixtureStore.IndexDigest, SignatureArtifact.ArtifactType, None);
        Assert.That(filtered.Referrers, Has.Count.EqualTo(1));

        // a fresh reader (nothing cached) finds the artifact by its digest among the repository's signatures
        var fresh = new RegistryReader(_bucket);
        var artifact = await fresh.GetManifestAsync("alpine", listed.Digest.ToString(), None);
        Assert.That(Digest.Compute(artifact.Bytes), Is.EqualTo(listed.Digest));
        Assert.That(artifact.Bytes.LongLength, Is.EqualTo(listed.Size));
        Assert.That((await _reader.GetManifestAsync("alpine", listed.Digest.ToString(), None)).Bytes, Is.EqualTo(artifact.Bytes));
        var signatureFile = await File.ReadAllTextAsync(Path.Combine(_temp.Sub("store"), "manifests", "alpine", "latest", "signatures", document.KeyId + ".json"));
        using (var manifest = JsonDocument.Parse(artifact.Bytes))
        {
            var root = manifest.RootElement;
            Assert.That(root.GetProperty("artifactType").GetString(), Is.EqualTo(SignatureArtifact.ArtifactType));
            Assert.That(root.GetProperty("subject").GetProperty("digest").GetString(), Is.EqualTo(FixtureStore.IndexDigest));
            Assert.That(root.GetProperty("config").GetProperty("digest").GetString(), Is.EqualTo(EmptyBlob.DigestText));
            Assert.That(root.GetProperty("annotations").GetProperty(SignatureArtifact.FileAnnotation).GetString(), Is.EqualTo(signatureFile));
        }

        // the empty blob it references is served although the bucket does not hold it
        await using var empty = await fresh.GetBlobAsync("alpine", EmptyBlob.DigestText, true, null, null, None);
        using var copy = new MemoryStream();
        await empty.Content!.CopyToAsync(copy);
        Assert.That(copy.ToArray(), Is.EqualTo("{}"u8.ToArray()));

        // only in the repository whose tag was signed, and only for the digest signed
        Assert.That((await _reader.GetReferrersAsync("other", FixtureStore.IndexDigest, null, None)).Referrers, Is.Empty);
        Assert.That((await _reader.GetReferrersAsync("alpine", FixtureStore.Amd64ManifestDigest, null, None)).Referrers, Is.Empty);
    }

    [Test]
    public async Task ASignatureOfADigestTheTagNoLongerHoldsIsNotListed()
    {
        await SignLatestAsync();
        await MoveLatestToAmd64Async();
        Assert.That((await _reader.GetReferrersAsync("alpine", FixtureStore.IndexDigest, null, None)).Referrers, Is.Empty);
        Assert.That((await _reader.GetReferrersAsync("alpine", FixtureStore.Amd64ManifestDigest, null, None)).Referrers, Is.Empty);
    }

    private (RegistryReader Reader, WatchedStore Store) Watched(RegistryReaderOptions options, string directory = "store")
    {
        var root = directory == "store" ? _temp.Sub("store") : FixtureStore.CopyTo(_temp.Sub(directory));
        var store = new WatchedStore(new LocalObjectStore(root));
        return (new RegistryReader(new ImageBucket(store), options), store);
    }

    /// <summary>Many kinds of request at once, each a few storage calls.</summary>
    private static IEnumerable<Task> Workload(RegistryReader reader) => Enumerable.Range(0, 12).SelectMany(_ => new Task[]
    {
        reader.GetManifestAsync("alpine", "latest", None),
        reader.GetManifestAsync("alpine", FixtureStore.Amd64ManifestDigest, None),
        reader.ListTagsAsync("alpine", null, null, None),
        reader.GetReferrersAsync("alpine", FixtureStore.IndexDigest, null, None),
        ReadBlobAsync(reader, FixtureStore.Amd64LayerDigest),
    });

    private static async Task ReadBlobAsync(RegistryReader reader, string digest)
    {
        await using var blob = await reader.GetBlobAsync("alpine", digest, true, null, null, None);
        await blob.Content!.CopyToAsync(Stream.Null, 4096);
    }

    private async Task MoveLatestToAmd64Async()
    {
        var amd64 = ManifestBlob.Parse(await File.ReadAllBytesAsync(BlobFile(FixtureStore.Amd64ManifestDigest)), "amd64 manifest");
        await _bucket.WriteTagAsync("alpine", "latest", amd64, S3lo.Core.Storage.WriteCondition.None, None);
    }

    private async Task<SignatureDocument> SignLatestAsync()
    {
        using var key = new PemSigningKey("cosign.key", ECDsa.Create(ECCurve.NamedCurves.nistP256));
        return await TagSigner.SignAsync(_bucket, "alpine", "latest", key, TimeProvider.System, None);
    }

    private async Task WriteObjectAsync(string key, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var content = new MemoryStream(bytes);
        await _bucket.Store.PutAsync(key, content, bytes.Length, S3lo.Core.Storage.PutOptions.Metadata, None);
    }

    private string BlobFile(string digest) => Path.Combine(_temp.Sub("store"), "blobs", "sha256", digest["sha256:".Length..]);

    private static string BlobKey(string digest) => BucketLayout.BlobKey(Digest.Parse(digest));

    /// <summary>A clock the test moves by hand, so a TTL passes without waiting.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
