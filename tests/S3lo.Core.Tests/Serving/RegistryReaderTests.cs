using S3lo.Core.Bucket;
using S3lo.Core.Serving;
using S3lo.Core.Tests.Support;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Serving;

/// <summary>The storage side of 's3lo serve' on a copy of the fixture store (a real local bucket).</summary>
public sealed class RegistryReaderTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private ImageBucket _bucket = null!;
    private RegistryReader _reader = null!;

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
}
