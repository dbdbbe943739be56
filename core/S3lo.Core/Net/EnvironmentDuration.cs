using System.Globalization;
using S3lo.Core.Errors;
using S3lo.Core.Time;

namespace S3lo.Core.Net;

/// <summary>A duration from an environment variable: <c>2s</c>, <c>500ms</c>, <c>1m30s</c>, <c>1h</c>, <c>7d</c> or plain seconds.</summary>
public static class EnvironmentDuration
{
    private static readonly double MaxSeconds = TimeSpan.FromDays(365).TotalSeconds;

    public static TimeSpan Read(string variable, TimeSpan fallback) => Parse(variable, Environment.GetEnvironmentVariable(variable), fallback);

    /// <summary>The duration <paramref name="text"/> names; <paramref name="fallback"/> when empty; a usage error when it is not one.</summary>
    public static TimeSpan Parse(string variable, string? text, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        var value = text.Trim();
        // Plain seconds as well (S3LO_IDLE_TIMEOUT=30), else the grammar of every duration flag.
        var duration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                && seconds <= MaxSeconds ? TimeSpan.FromSeconds(seconds)
            : DurationText.TryParse(value, out var parsed) ? parsed
            : (TimeSpan?)null;
        if (duration is not { } result || result.TotalSeconds > MaxSeconds)
            throw new UsageException($"{variable} '{(value.Length > 40 ? value[..40] + "..." : value)}' is not a duration",
                $"write e.g. {variable}=30s, 500ms, 2m or 1h");
        return result;
    }
}
