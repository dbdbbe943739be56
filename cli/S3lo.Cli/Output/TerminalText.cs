using System.Globalization;
using System.Text;

namespace S3lo.Cli.Output;

/// <summary>
/// Text from a bucket or the command line made safe for a terminal: names, tags and platforms are
/// data anyone with write access chose, so an ESC or a newline in them must print as <c>\x1b</c> or
/// <c>\n</c>, never move the cursor, recolour the screen or forge an extra output line.
/// </summary>
public static class TerminalText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (!NeedsEscape(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < '\u0100' when IsUnsafe(c): sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default:
                    if (IsUnsafe(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Like <see cref="Escape"/>, but keeps line breaks: for multi-line text such as a --verbose stack trace.</summary>
    public static string EscapeLines(string text) =>
        string.Join(Environment.NewLine, text.ReplaceLineEndings("\n").Split('\n').Select(Escape));

    private static bool NeedsEscape(string text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c)) return true;
        }
        return false;
    }

    // C0, DEL and C1 controls, and invisible format characters (bidi overrides, zero-width joiners)
    // that make what a terminal shows differ from the bytes.
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
