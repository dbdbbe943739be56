using S3lo.Core.Time;

namespace S3lo.Core.Tests.Time;

public sealed class DurationTextTests
{
    [TestCase("30s", 30_000)]
    [TestCase("500ms", 500)]
    [TestCase("1m30s", 90_000)]
    [TestCase("2h45m", 9_900_000)]
    [TestCase("7d", 604_800_000)]
    [TestCase("1d2h3m4s5ms", 93_784_005)]
    [TestCase(" 10m ", 600_000)]
    [TestCase("0s", 0)]
    public void ReadsWhatDockerAndGoUsersType(string text, long milliseconds)
    {
        Assert.That(DurationText.TryParse(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("")]
    [TestCase("5")]
    [TestCase("-5s")]
    [TestCase("1.5h")]
    [TestCase("1x")]
    [TestCase("s")]
    [TestCase("1m 30s")]
    [TestCase("99999999999999999999s")]
    public void RefusesWhatIsNoDuration(string text) => Assert.That(DurationText.TryParse(text, out _), Is.False);

    [Test]
    public void AHugeDurationSaturatesInsteadOfOverflowing()
    {
        Assert.That(DurationText.TryParse("9223372036854775807d9223372036854775807d", out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.MaxValue));
    }

    [TestCase(3_000, "3s")]
    [TestCase(90_000, "1m30s")]
    [TestCase(500, "500ms")]
    [TestCase(187_200_000, "2d4h")]
    public void WritesDurationsTheWayTheyAreTyped(long milliseconds, string text) =>
        Assert.That(DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(text));
}
