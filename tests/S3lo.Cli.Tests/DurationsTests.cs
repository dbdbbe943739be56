using S3lo.Cli.Hosting;
using S3lo.Core.Errors;

namespace S3lo.Cli.Tests;

/// <summary>--timeout values: what a timer can hold is accepted, anything else is one usage error.</summary>
public sealed class DurationsTests
{
    [TestCase("30s", 30)]
    [TestCase("10m", 600)]
    [TestCase("24d", 24 * 86400)]
    [TestCase("596h", 596 * 3600)]
    [TestCase("2147483s", 2147483)]
    public void ParsesWhatATimerCanHold(string text, long seconds)
    {
        var span = Durations.Parse(text, "--timeout");
        Assert.That(span, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
        Assert.That(span, Is.LessThanOrEqualTo(Durations.Longest));
        Assert.DoesNotThrow(() => new CancellationTokenSource().CancelAfter(span));
        Assert.DoesNotThrow(() => _ = new HttpClient { Timeout = span });
    }

    [TestCase("25d", "--timeout '25d' is too long: the longest is 24d", "write at most 24d (or leave the flag out for no limit)")]
    [TestCase("597h", "--timeout '597h' is too long: the longest is 24d", "write at most 24d (or leave the flag out for no limit)")]
    [TestCase("2147484s", "--timeout '2147484s' is too long: the longest is 24d", "write at most 24d (or leave the flag out for no limit)")]
    [TestCase("999999999h", "--timeout '999999999h' is too long: the longest is 24d", "write at most 24d (or leave the flag out for no limit)")]
    [TestCase("9223372036854775807d", "--timeout '9223372036854775807d' is too long: the longest is 24d", "write at most 24d (or leave the flag out for no limit)")]
    [TestCase("0s", "--timeout '0s' is zero", "write a positive duration such as 30s, 10m or 2h, or leave the flag out for no limit")]
    [TestCase("-5s", "--timeout '-5s' is not a duration", "write a positive number and a unit: 30s, 10m, 1m30s, 2h or 7d")]
    [TestCase("99999999999999999999s", "--timeout '99999999999999999999s' is not a duration", "write a positive number and a unit: 30s, 10m, 1m30s, 2h or 7d")]
    [TestCase("1.5h", "--timeout '1.5h' is not a duration", "write a positive number and a unit: 30s, 10m, 1m30s, 2h or 7d")]
    [TestCase("5", "--timeout '5' is not a duration", "write a positive number and a unit: 30s, 10m, 1m30s, 2h or 7d")]
    [TestCase("", "--timeout '' is not a duration", "write a positive number and a unit: 30s, 10m, 1m30s, 2h or 7d")]
    public void RefusesEverythingElseAsAUsageError(string text, string message, string hint)
    {
        var e = Assert.Throws<UsageException>(() => Durations.Parse(text, "--timeout"));
        Assert.That(e!.Message, Is.EqualTo(message));
        Assert.That(e.Hint, Is.EqualTo(hint));
        Assert.That(ExitCodes.For(e!), Is.EqualTo(ExitCodes.Usage));
    }
}
