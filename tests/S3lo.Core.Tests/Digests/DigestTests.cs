using S3lo.Core.Digests;
using S3lo.Core.Errors;

namespace S3lo.Core.Tests.Digests;

[TestFixture]
public class DigestTests
{
    [Test]
    public void ComputeGivesTheSha256OfTheBytes()
    {
        Assert.That(Digest.Compute("abc"u8).ToString(), Is.EqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    [Test]
    public async Task ComputeAsyncMatchesCompute()
    {
        var bytes = Bytes.Random(100_000, seed: 1);

        Assert.That(await Digest.ComputeAsync(new MemoryStream(bytes), CancellationToken.None), Is.EqualTo(Digest.Compute(bytes)));
    }

    [Test]
    public void ParseRoundTrips()
    {
        const string text = "sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659";

        var digest = Digest.Parse(text);

        Assert.That(digest.ToString(), Is.EqualTo(text));
        Assert.That(digest.Hex, Is.EqualTo(text[7..]));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("sha256:")]
    [TestCase("sha256:25109184C71BDAD752C8312A8623239686A9A2071E8825F20ACB8F2198C3F659")]
    [TestCase("sha512:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659")]
    [TestCase("sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f65")]
    [TestCase("sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659a")]
    [TestCase("sha256:../../../../../../../../../../../../../../../../../../../../etc/passwd")]
    [TestCase("25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659")]
    public void InvalidDigestsAreRejected(string? text)
    {
        Assert.That(Digest.TryParse(text, out _), Is.False);
        Assert.That(() => Digest.Parse(text), Throws.TypeOf<S3loException>().With.Message.StartsWith("invalid digest"));
    }
}
