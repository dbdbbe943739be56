using System.Globalization;
using S3lo.Core.Errors;

namespace S3lo.Core.Net;

/// <summary>
/// How long a connection may go without a byte before the request is given up as stalled
/// (S3LO_IDLE_TIMEOUT: <c>2s</c>, <c>500ms</c>, <c>1m</c> or plain seconds; default 60 s; <c>0</c> turns it off).
/// Unlike --timeout (the whole command) it never cuts a transfer that is still moving.
/// </summary>
public static class IdleTimeout
{
    public const string Variable = "S3LO_IDLE_TIMEOUT";
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>The configured idle timeout; <see cref="Timeout.InfiniteTimeSpan"/> when turned off.</summary>
    public static TimeSpan FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    public static TimeSpan Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Default;
        var value = text.Trim();
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : value.EndsWith('h') ? (value[..^1], 3600.0)
            : (value, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0 || double.IsInfinity(amount)
            || amount * unit > TimeSpan.FromDays(1).TotalSeconds)
            throw new UsageException($"{Variable} '{ReferenceText(value)}' is not a duration", $"write e.g. {Variable}=30s, 500ms, 2m or 0 to turn it off");
        return amount == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(amount * unit);
    }

    internal static string Describe(TimeSpan idle) =>
        idle.TotalSeconds >= 1 ? $"{idle.TotalSeconds:0.#} s" : $"{idle.TotalMilliseconds:0} ms";

    private static string ReferenceText(string value) => value.Length > 40 ? value[..40] + "..." : value;
}
