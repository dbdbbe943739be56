using System.Globalization;
using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>Durations as SPEC writes them: a number and a unit (d, h, m, s), e.g. 90d, 30s.</summary>
public static class Durations
{
    /// <summary>The longest a timer (and HttpClient.Timeout) can hold: int.MaxValue milliseconds, about 24.8 days.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(int.MaxValue);

    public static TimeSpan Parse(string text, string flag)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && UnitSeconds(trimmed[^1]) is { } unit)
        {
            if (n == 0)
                throw new UsageException($"{flag} '{text}' is zero", "write a positive duration such as 30s, 10m or 2h, or leave the flag out for no limit");
            // Compared in seconds before any TimeSpan exists: TimeSpan.FromHours(999999999) would throw.
            if (n > Longest.TotalSeconds / unit)
                throw new UsageException($"{flag} '{text}' is too long: the longest is 24d",
                    "write at most 24d (or leave the flag out for no limit)");
            return TimeSpan.FromSeconds(n * unit);
        }
        throw new UsageException($"{flag} '{text}' is not a duration", "write a positive number and a unit: 30s, 10m, 2h or 7d");
    }

    private static long? UnitSeconds(char unit) => unit switch
    {
        'd' => 86400,
        'h' => 3600,
        'm' => 60,
        's' => 1,
        _ => null,
    };
}
