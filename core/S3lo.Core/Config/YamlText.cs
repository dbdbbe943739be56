using System.Text.RegularExpressions;

namespace S3lo.Core.Config;

/// <summary>How s3lo writes a name or value into s3lo.yaml: plain where YAML reads it back as the same text, else quoted.</summary>
internal static partial class YamlText
{
    // Plain only for names that YAML cannot read as anything else (no '*' alias, no null or bool word).
    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9._/-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlainRegex();

    private static readonly string[] Reserved = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"];

    public static string Scalar(string value)
    {
        if (SafePlainRegex().IsMatch(value) && !Reserved.Contains(value, StringComparer.OrdinalIgnoreCase)) return value;
        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    public static string FlowList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Scalar)) + "]";
}
