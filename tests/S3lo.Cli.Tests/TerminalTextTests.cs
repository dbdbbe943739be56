using S3lo.Cli.Output;

namespace S3lo.Cli.Tests;

public sealed class TerminalTextTests
{
    [TestCase("alpine:3.20", "alpine:3.20")]
    [TestCase("", "")]
    [TestCase("x\u001b[31mred", @"x\x1b[31mred")]
    [TestCase("nl\nfake:line", @"nl\nfake:line")]
    [TestCase("a\r\nb\tc", @"a\r\nb\tc")]
    [TestCase("nul\0bell\a", @"nul\x00bell\x07")]
    [TestCase("del\u007f c1\u009b", @"del\x7f c1\x9b")]
    [TestCase("bidi\u202eevil", @"bidi\u202eevil")]
    [TestCase("zero\u200bwidth", @"zero\u200bwidth")]
    [TestCase("café/ünïcode ok", "café/ünïcode ok")]
    public void EscapesWhatWouldReachTheTerminalRaw(string text, string shown) =>
        Assert.That(TerminalText.Escape(text), Is.EqualTo(shown));

    [Test]
    public void NullIsEmpty() => Assert.That(TerminalText.Escape(null), Is.EqualTo(""));

    [Test]
    public void EscapedTextHasNoControlCharacterLeft()
    {
        var all = new string(Enumerable.Range(0, 0x200).Select(i => (char)i).ToArray());
        Assert.That(TerminalText.Escape(all).Where(char.IsControl), Is.Empty);
    }

    [Test]
    public void EscapeLinesKeepsTheLineBreaksButNotTheEscapes()
    {
        var text = "first \u001b[2J\nsecond";
        Assert.That(TerminalText.EscapeLines(text), Is.EqualTo(@"first \x1b[2J" + Environment.NewLine + "second"));
    }
}
