using S3lo.Core.Errors;
using S3lo.Core.Time;

namespace S3lo.Cli.Hosting;

/// <summary>A duration flag (<see cref="DurationText"/>'s grammar: 30s, 500ms, 1m30s, 7d), positive and within what a timer holds.</summary>
public static class Durations
{
    /// <summary>The longest a timer (and HttpClient.Timeout) can hold: int.MaxValue milliseconds, about 24.8 days.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Like <see cref="Parse"/>, but zero is allowed (a grace period of 0s means none).</summary>
    public static TimeSpan ParseGrace(string text, string flag) =>
        DurationText.TryParse(text, out var duration) && duration == TimeSpan.Zero ? TimeSpan.Zero : Parse(text, flag);

    public static TimeSpan Parse(string text, string flag)
    {
        if (!DurationText.TryParse(text, out var duration))
            throw new UsageException($"{flag} '{text}' is not a duration", "write a positive number and a unit: 30s, 10m, 1m30s, 2h or 7d");
        if (duration == TimeSpan.Zero)
            throw new UsageException($"{flag} '{text}' is zero", "write a positive duration such as 30s, 10m or 2h, or leave the flag out for no limit");
        if (duration > Longest)
            throw new UsageException($"{flag} '{text}' is too long: the longest is 24d", "write at most 24d (or leave the flag out for no limit)");
        return duration;
    }
}
