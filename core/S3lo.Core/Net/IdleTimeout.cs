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
        var idle = EnvironmentDuration.Parse(Variable, text, Default);
        return idle == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : idle;
    }

    internal static string Describe(TimeSpan idle) =>
        idle.TotalSeconds >= 1 ? $"{idle.TotalSeconds:0.#} s" : $"{idle.TotalMilliseconds:0} ms";
}
