using System.Globalization;
using S3lo.Core.Errors;

namespace S3lo.Core.Net;

/// <summary>A duration from an environment variable: <c>2s</c>, <c>500ms</c>, <c>1m</c>, <c>1h</c> or plain seconds.</summary>
public static class EnvironmentDuration
{
    public static TimeSpan Read(string variable, TimeSpan fallback) => Parse(variable, Environment.GetEnvironmentVariable(variable), fallback);

    /// <summary>The duration <paramref name="text"/> names; <paramref name="fallback"/> when empty; a usage error when it is not one.</summary>
    public static TimeSpan Parse(string variable, string? text, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        var value = text.Trim();
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : value.EndsWith('h') ? (value[..^1], 3600.0)
            : (value, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !(amount >= 0)
            || amount * unit > TimeSpan.FromDays(365).TotalSeconds)
            throw new UsageException($"{variable} '{(value.Length > 40 ? value[..40] + "..." : value)}' is not a duration",
                $"write e.g. {variable}=30s, 500ms, 2m or 1h");
        return TimeSpan.FromSeconds(amount * unit);
    }
}
