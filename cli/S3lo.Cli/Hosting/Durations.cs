using System.Globalization;
using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>Durations as SPEC writes them: a number and a unit (d, h, m, s), e.g. 90d, 30s.</summary>
public static class Durations
{
    public static TimeSpan Parse(string text, string flag)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (trimmed[^1])
            {
                case 'd': return TimeSpan.FromDays(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 's': return TimeSpan.FromSeconds(n);
            }
        }
        throw new UsageException($"{flag} '{text}' is not a duration", "write a positive number and a unit: 30s, 10m, 2h or 7d");
    }
}
