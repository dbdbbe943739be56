using S3lo.Cli.Output;

namespace S3lo.Cli.Tests.Progress;

public sealed class TransferTextTests
{
    [Test]
    public void ResultLineHasSizeTimeAndRate() =>
        Assert.That(TransferText.Result("pushed", 512_000_000, TimeSpan.FromSeconds(3.1)), Is.EqualTo("pushed 512 MB in 3.1 s, 165 MB/s"));

    [Test]
    public void ResultLineWithNothingMovedHasNoRate() =>
        Assert.That(TransferText.Result("pulled", 0, TimeSpan.FromSeconds(0.4)), Is.EqualTo("pulled 0 B in 0.4 s"));

    [TestCase(1.44, "1.4 s")]
    [TestCase(14.7, "14 s")]
    [TestCase(125, "2m05s")]
    public void Durations(double seconds, string text) => Assert.That(TransferText.Duration(TimeSpan.FromSeconds(seconds)), Is.EqualTo(text));

    [Test]
    public void ShortDigestIsTwelveHexAndEscaped()
    {
        Assert.That(TransferText.ShortDigest("sha256:3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"), Is.EqualTo("3f2a1b4c5d6e"));
        Assert.That(TransferText.ShortDigest("sha256:ab\u001b[2Jcd"), Is.EqualTo("ab\\x1b[2Jcd"));
    }
}
