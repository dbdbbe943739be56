using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Serving;
using S3lo.Providers.Local;
using S3lo.Tests.Shared;

namespace S3lo.Core.Tests.Serving;

/// <summary>The storage side of serve --allow-push on a real local bucket: sessions in the bucket, verified blob writes.</summary>
public sealed class RegistryWriterTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _root = "";
    private ImageBucket _bucket = null!;

    [SetUp]
    public void Open()
    {
        _temp = new TempDir();
        _root = _temp.Sub("store");
        _bucket = new ImageBucket(new LocalObjectStore(_root));
    }

    [TearDown]
    public async Task Close()
    {
        await _bucket.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task ASessionStartedByOneWriterIsFinishedByAnotherAsOneVerifiedBlob()
    {
        var blob = Bytes.Random(250_000, 3);
        var digest = Digest.Compute(blob);
        var first = new RegistryWriter(_bucket, TimeProvider.System);
        var session = await first.StartUploadAsync("app", None);
        await first.AppendAsync("app", session.Id, new MemoryStream(blob, 0, 100_000), 100_000, 0, None);

        // a second writer knows nothing in memory: everything comes from the bucket, as after a restart
        var second = new RegistryWriter(_bucket, TimeProvider.System);
        Assert.That((await second.GetUploadAsync("app", session.Id, None)).Size, Is.EqualTo(100_000));
        // a body of unknown length (chunked transfer encoding) goes through the spool
        await second.AppendAsync("app", session.Id, new NonSeekableStream(new MemoryStream(blob, 100_000, 100_000)), null, 100_000, None);
        var finished = await second.FinishUploadAsync("app", session.Id, digest.ToString(), new MemoryStream(blob, 200_000, 50_000), 50_000, 200_000, None);

        Assert.That(finished, Is.EqualTo(digest));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(_root, "blobs", "sha256", digest.Hex)), Is.EqualTo(blob));
        Assert.That(Keys().Where(k => k.StartsWith("s3lo-uploads/", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task AWrongDigestStoresNothingAndEndsTheSession()
    {
        var blob = Bytes.Random(10_000, 4);
        var claimed = Digest.Compute(Bytes.Random(10_000, 5));
        var writer = new RegistryWriter(_bucket, TimeProvider.System);
        var session = await writer.StartUploadAsync("app", None);
        await writer.AppendAsync("app", session.Id, new MemoryStream(blob, 0, 6_000), 6_000, null, None);

        var refused = Assert.ThrowsAsync<RegistryException>(() =>
            writer.FinishUploadAsync("app", session.Id, claimed.ToString(), new MemoryStream(blob, 6_000, 4_000), 4_000, null, None));

        Assert.That(refused!.Code, Is.EqualTo(RegistryErrorCode.DigestInvalid));
        Assert.That(refused.Message, Is.EqualTo($"the uploaded content is {Digest.Compute(blob)}, not {claimed}; nothing was stored"));
        Assert.That(Keys(), Is.Empty, "no blob under either digest, no session left");
    }

    [Test]
    public async Task AnOutOfOrderChunkIsRefusedWithTheSessionAsItWas()
    {
        var writer = new RegistryWriter(_bucket, TimeProvider.System);
        var session = await writer.StartUploadAsync("app", None);
        await writer.AppendAsync("app", session.Id, new MemoryStream(new byte[100]), 100, null, None);

        var refused = Assert.ThrowsAsync<UploadRangeException>(() => writer.AppendAsync("app", session.Id, new MemoryStream(new byte[100]), 100, 0, None));

        Assert.That(refused!.Session.Size, Is.EqualTo(100));
        Assert.That((await writer.GetUploadAsync("app", session.Id, None)).Size, Is.EqualTo(100));
    }

    [TestCase("../../blobs/sha256")]
    [TestCase("0123456789ABCDEF0123456789ABCDEF")]
    [TestCase("")]
    public void AMalformedSessionIdIsUnknownBeforeTheStoreIsAsked(string id)
    {
        var writer = new RegistryWriter(_bucket, TimeProvider.System);
        var refused = Assert.ThrowsAsync<RegistryException>(() => writer.GetUploadAsync("app", id, None));
        Assert.That(refused!.Code, Is.EqualTo(RegistryErrorCode.BlobUploadUnknown));
        Assert.That(Keys(), Is.Empty);
    }

    [Test]
    public async Task ASessionIsUsableOnlyThroughItsOwnRepository()
    {
        var writer = new RegistryWriter(_bucket, TimeProvider.System);
        var session = await writer.StartUploadAsync("team/app", None);
        var refused = Assert.ThrowsAsync<RegistryException>(() => writer.GetUploadAsync("other", session.Id, None));
        Assert.That(refused!.Code, Is.EqualTo(RegistryErrorCode.BlobUploadUnknown));
        Assert.That(UploadSessionId.IsValid(session.Id), Is.True);
        Assert.That(session.Id, Is.Not.EqualTo((await writer.StartUploadAsync("team/app", None)).Id));
    }

    /// <summary>Every key in the store (its staging directory aside).</summary>
    private List<string> Keys() =>
        Directory.Exists(_root) ? [.. TempDir.FilesUnder(_root).Where(k => !k.StartsWith(".s3lo-tmp/", StringComparison.Ordinal))] : [];
}
