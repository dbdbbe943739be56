using System.Globalization;

namespace S3lo.Core.Time;

/// <summary>
/// Durations as docker and Go users type them, plus days: <c>30s</c>, <c>500ms</c>, <c>1m30s</c>,
/// <c>2h45m</c>, <c>7d</c> (whole numbers, units ms, s, m, h, d). The one grammar behind every flag
/// and environment variable that takes a duration.
/// </summary>
public static class DurationText
{
    private static readonly decimal Ceiling = (decimal)TimeSpan.MaxValue.TotalMilliseconds;

    /// <summary>
    /// True when <paramref name="text"/> is a duration. One past what a TimeSpan holds comes back as
    /// <see cref="TimeSpan.MaxValue"/>, so callers can say "too long" rather than "not a duration".
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var rest = (text ?? "").AsSpan().Trim();
        if (rest.IsEmpty) return false;
        decimal milliseconds = 0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
            // Past a long is no duration anyone means; up to it, the caller says "too long".
            if (digits == 0 || !long.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return false;
            rest = rest[digits..];
            var (unit, length) = rest.StartsWith("ms", StringComparison.Ordinal) ? (1m, 2)
                : rest.IsEmpty ? (0m, 0)
                : rest[0] switch { 's' => (1_000m, 1), 'm' => (60_000m, 1), 'h' => (3_600_000m, 1), 'd' => (86_400_000m, 1), _ => (0m, 0) };
            if (length == 0) return false;
            // Saturated at the ceiling, so a long chain of huge terms cannot overflow the sum.
            milliseconds = Math.Min(milliseconds + amount * unit, Ceiling);
            rest = rest[length..];
        }
        value = milliseconds >= Ceiling ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds((double)milliseconds);
        return true;
    }

    /// <summary>Written back the way it is typed: <c>3s</c>, <c>1m30s</c>, <c>500ms</c>, <c>2d4h</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1)) return $"{(long)value.TotalMilliseconds}ms";
        var text = new System.Text.StringBuilder();
        if (value.Days > 0) text.Append(value.Days).Append('d');
        if (value.Hours > 0) text.Append(value.Hours).Append('h');
        if (value.Minutes > 0) text.Append(value.Minutes).Append('m');
        if (value.Seconds > 0) text.Append(value.Seconds).Append('s');
        if (value.Milliseconds > 0) text.Append(value.Milliseconds).Append("ms");
        return text.ToString();
    }
}
