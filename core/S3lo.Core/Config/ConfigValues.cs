using System.Globalization;
using S3lo.Core.References;
using S3lo.Core.Time;

namespace S3lo.Core.Config;

/// <summary>
/// The grammar of every value s3lo.yaml and <c>config set</c> take, with the words that describe it,
/// so the file and the command line accept the same text and say the same thing when they refuse it.
/// </summary>
internal static class ConfigValues
{
    public const int MaxKeepLast = 100_000;
    public const int MaxPolicyDays = 36_500;

    public const string ImmutableForm = "true or false";
    public const string KeepLastForm = "a whole number from 1 to 100000";
    public const string MaxAgeForm = "a duration above zero like 90d, 12h, 1m30s or 500ms";
    public const string KeepTagForm = "a tag name or glob (letters, digits, '.', '_', '-', with * and ?)";
    public const string PatternForm = "an image name or glob: lowercase a-z and 0-9 joined by '.', '_', '__' or '-', components separated by '/', with * and ?";
    public const string MaxDaysForm = "a whole number of days from 1 to 36500";
    public const string MaxBytesForm = "a whole number of bytes from 1";
    public static readonly string[] Severities = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
    public static readonly string[] Checks = ["scan", "age", "signed", "size"];

    public static bool TryImmutable(string text, out bool value)
    {
        value = string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
        return value || string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryKeepLast(string text, out int value) =>
        TryWhole(text, 1, MaxKeepLast, out value);

    public static bool TryMaxAge(string text, out TimeSpan value) =>
        DurationText.TryParse(text, out value) && value > TimeSpan.Zero && value < TimeSpan.MaxValue;

    public static bool IsKeepTag(string text) =>
        text.Length > 0 && ReferenceGrammar.IsTag(text.Replace('*', 'a').Replace('?', 'a'));

    public static bool IsPattern(string text)
    {
        if (text.Length is 0 or > ReferenceGrammar.MaxRepositoryLength) return false;
        // '?' stands for one letter; '*' is in the glob component grammar already.
        return text.Split('/').All(component => ReferenceGrammar.IsGlobComponent(component.Replace('?', 'a')));
    }

    public static bool TryMaxDays(string text, out int value) => TryWhole(text, 1, MaxPolicyDays, out value);

    public static bool TryMaxBytes(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1;

    public static bool TrySeverity(string text, out string value)
    {
        value = Severities.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase)) ?? "";
        return value.Length > 0;
    }

    public static bool TryCheck(string text, out PolicyCheck value)
    {
        var index = Array.IndexOf(Checks, text);
        value = index < 0 ? default : (PolicyCheck)index;
        return index >= 0;
    }

    public static string NameOf(PolicyCheck check) => Checks[(int)check];

    /// <summary>The one field each check takes.</summary>
    public static string FieldOf(PolicyCheck check) => check switch
    {
        PolicyCheck.Scan => "max_severity",
        PolicyCheck.Age => "max_days",
        PolicyCheck.Signed => "key_ref",
        _ => "max_bytes",
    };

    private static bool TryWhole(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
