using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Digests;

[TestFixture]
public class VerifyingReadStreamTests
{
    private static readonly byte[] Content = Bytes.Random(10_000, seed: 7);
    private static readonly Digest ContentDigest = Digest.Compute(Content);

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(4096)]
    [TestCase(1 << 20)]
    public async Task CorrectBytesPassThroughUnchanged(int chunk)
    {
        await using var stream = new VerifyingReadStream(new SourceStream(Content, maxChunk: chunk), ContentDigest, Content.Length, "blob");

        var read = await Bytes.ReadAllAsync(stream);

        Assert.That(Sha.Of(read), Is.EqualTo(ContentDigest.ToString()));
        Assert.That(read, Has.Length.EqualTo(Content.Length));
    }

    [Test]
    public void CorrectBytesPassWithSynchronousReads()
    {
        using var stream = new VerifyingReadStream(new MemoryStream(Content), ContentDigest, Content.Length, "blob");
        using var copy = new MemoryStream();

        stream.CopyTo(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(Content));
    }

    [Test]
    public async Task EmptyContentWithTheEmptyDigestPasses()
    {
        await using var stream = new VerifyingReadStream(new MemoryStream([]), Digest.Compute([]), 0, "empty blob");

        Assert.That(await Bytes.ReadAllAsync(stream), Is.Empty);
    }

    [TestCase(1)]
    [TestCase(10)]
    [TestCase(333)]
    public async Task WrongDigestThrowsBeforeTheFinalBytesAreReturned(int chunk)
    {
        var corrupt = (byte[])Content.Clone();
        corrupt[^1] ^= 0xff;
        var actual = Digest.Compute(corrupt);
        await using var stream = new VerifyingReadStream(new SourceStream(corrupt, maxChunk: chunk), ContentDigest, Content.Length, "layer X");

        long received = 0;
        var buffer = new byte[chunk];
        DigestMismatchException? error = null;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0) received += n;
        }
        catch (DigestMismatchException e)
        {
            error = e;
        }

        Assert.That(error, Is.Not.Null, "reading corrupt bytes to the end must fail");
        Assert.That(received, Is.LessThan(Content.Length), "the caller must never receive the complete (wrong) content");
        Assert.That(error!.Message, Is.EqualTo($"digest mismatch for layer X: expected {ContentDigest}, got {actual}"));
        Assert.That(error.Expected, Is.EqualTo(ContentDigest.ToString()));
        Assert.That(error.Actual, Is.EqualTo(actual.ToString()));
    }

    [Test]
    public void WrongDigestThrowsOnSynchronousReadsToo()
    {
        var other = Digest.Compute("something else"u8);
        using var stream = new VerifyingReadStream(new MemoryStream(Content), other, Content.Length, "config");
        var buffer = new byte[100];
        long received = 0;

        var error = Assert.Throws<DigestMismatchException>(() =>
        {
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) received += n;
        });

        Assert.That(received, Is.LessThan(Content.Length));
        Assert.That(error!.Message, Does.Contain(other.ToString()).And.Contain(ContentDigest.ToString()));
    }

    [Test]
    public void ShortStreamThrowsSizeMismatch()
    {
        var shortContent = Content[..6000];
        var stream = new VerifyingReadStream(new SourceStream(shortContent, maxChunk: 512), ContentDigest, Content.Length, "layer 1");

        Assert.That(async () => await Bytes.ReadAllAsync(stream),
            Throws.TypeOf<S3loException>().With.Message.EqualTo("size mismatch for layer 1: expected 10000 bytes, got 6000"));
    }

    [Test]
    public void LongStreamThrowsSizeMismatchAndNeverHandsOutTheExtraBytes()
    {
        var longContent = Content.Concat(Bytes.Random(500, seed: 8)).ToArray();
        var stream = new VerifyingReadStream(new MemoryStream(longContent), ContentDigest, Content.Length, "layer 2");
        long received = 0;
        var buffer = new byte[4096];

        Assert.That(async () =>
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0) received += n;
        }, Throws.TypeOf<S3loException>().With.Message.EqualTo("size mismatch for layer 2: expected 10000 bytes, got more"));
        Assert.That(received, Is.LessThanOrEqualTo(Content.Length));
    }

    [Test]
    public void LongStreamWhoseWholeContentHashesToTheDigestStillFails()
    {
        // The digest of all the bytes, but the size of a prefix: the stream is longer than promised.
        var stream = new VerifyingReadStream(new MemoryStream(Content), ContentDigest, 5000, "layer 3");

        Assert.That(async () => await Bytes.ReadAllAsync(stream), Throws.InstanceOf<S3loException>());
    }

    [Test]
    public async Task LengthIsTheExpectedSize()
    {
        await using var stream = new VerifyingReadStream(new SourceStream(Content, maxChunk: 10), ContentDigest, Content.Length, "blob");

        Assert.That(stream.Length, Is.EqualTo(Content.Length));
        Assert.That(stream.CanSeek, Is.False);
    }

    [Test]
    public async Task AZeroLengthReadMidStreamIsNotTakenForTheEnd()
    {
        // Stream contract: Read returns 0 for an empty buffer without meaning end of stream
        // (SslStream, pipelines with zero-byte reads do this to wait for data).
        await using var stream = new VerifyingReadStream(new MemoryStream(Content), ContentDigest, Content.Length, "blob");
        var head = new byte[100];
        await stream.ReadExactlyAsync(head);

        var zero = await stream.ReadAsync(Memory<byte>.Empty);
        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest);

        Assert.That(zero, Is.Zero);
        Assert.That(Sha.Of([.. head, .. rest.ToArray()]), Is.EqualTo(ContentDigest.ToString()));
    }

    [Test]
    public async Task LeaveOpenKeepsTheInnerStreamUsable()
    {
        var inner = new MemoryStream(Content);
        await using (var stream = new VerifyingReadStream(inner, ContentDigest, Content.Length, "blob", leaveOpen: true))
            await Bytes.ReadAllAsync(stream);

        Assert.That(inner.CanRead, Is.True);

        var closed = new MemoryStream(Content);
        await using (var stream = new VerifyingReadStream(closed, ContentDigest, Content.Length, "blob"))
            await Bytes.ReadAllAsync(stream);
        Assert.That(closed.CanRead, Is.False);
    }
}
