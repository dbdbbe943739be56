using S3lo.Cli.Output;
using S3lo.Core.Errors;

namespace S3lo.Cli.Tests.Progress;

/// <summary>--progress and --no-progress: auto is a terminal's redrawn lines outside CI, a log's lines otherwise.</summary>
public sealed class ProgressModeTests
{
    private static readonly Func<string, string?> NoCi = _ => null;

    [TestCase(null, true, ProgressMode.Tty)]
    [TestCase("auto", true, ProgressMode.Tty)]
    [TestCase("auto", false, ProgressMode.Plain)]
    [TestCase("tty", false, ProgressMode.Tty)]
    [TestCase("PLAIN", true, ProgressMode.Plain)]
    [TestCase("none", true, ProgressMode.None)]
    public void FlagAndTerminalGiveTheMode(string? flag, bool terminal, ProgressMode mode) =>
        Assert.That(ProgressModes.Resolve(flag, false, terminal, NoCi), Is.EqualTo(mode));

    [TestCase("CI", "true")]
    [TestCase("CI", "1")]
    [TestCase("GITHUB_ACTIONS", "true")]
    [TestCase("GITLAB_CI", "true")]
    public void AutoInCiIsPlainEvenOnATerminal(string name, string value) =>
        Assert.That(ProgressModes.Resolve("auto", false, true, n => n == name ? value : null), Is.EqualTo(ProgressMode.Plain));

    [Test]
    public void CiSetToFalseIsNoCi() =>
        Assert.That(ProgressModes.Resolve(null, false, true, n => n == "CI" ? "false" : null), Is.EqualTo(ProgressMode.Tty));

    [Test]
    public void NoProgressIsNone()
    {
        Assert.That(ProgressModes.Resolve(null, true, true, NoCi), Is.EqualTo(ProgressMode.None));
        Assert.That(ProgressModes.Resolve("none", true, true, NoCi), Is.EqualTo(ProgressMode.None));
    }

    [Test]
    public void NoProgressWithAnotherModeIsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => ProgressModes.Resolve("tty", true, true, NoCi));
        Assert.That(e!.Message, Is.EqualTo("--no-progress and --progress tty contradict each other"));
    }

    [Test]
    public void AnUnknownModeIsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => ProgressModes.Resolve("fancy", false, true, NoCi));
        Assert.That(e!.Message, Is.EqualTo("--progress 'fancy' is not a progress mode"));
        Assert.That(e.Hint, Is.EqualTo("choose auto, tty, plain or none"));
    }
}
