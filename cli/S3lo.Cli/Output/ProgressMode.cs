using S3lo.Core.Errors;

namespace S3lo.Cli.Output;

/// <summary>How a transfer shows its progress on stderr (--progress).</summary>
public enum ProgressMode
{
    /// <summary>One line per layer, redrawn in place (a terminal).</summary>
    Tty,
    /// <summary>One line per finished blob, for logs.</summary>
    Plain,
    /// <summary>Only the result.</summary>
    None,
}

public static class ProgressModes
{
    /// <summary>Environment variables CI services set: a log, not a terminal, even behind a pseudo-terminal.</summary>
    private static readonly string[] CiVariables = ["CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD"];

    /// <summary>
    /// <paramref name="flag"/> is --progress (auto, tty, plain, none; null is auto); --no-progress is none. auto is
    /// tty when stderr is a terminal outside CI, else plain.
    /// </summary>
    public static ProgressMode Resolve(string? flag, bool noProgress, bool stderrIsTerminal, Func<string, string?> environment)
    {
        var wanted = (flag ?? "auto").Trim().ToLowerInvariant() switch
        {
            "auto" => (ProgressMode?)null,
            "tty" => ProgressMode.Tty,
            "plain" => ProgressMode.Plain,
            "none" => ProgressMode.None,
            _ => throw new UsageException($"--progress '{flag}' is not a progress mode", "choose auto, tty, plain or none"),
        };
        if (noProgress)
        {
            if (wanted is not null and not ProgressMode.None)
                throw new UsageException($"--no-progress and --progress {flag} contradict each other", "keep one of them");
            return ProgressMode.None;
        }
        return wanted ?? (stderrIsTerminal && !InCi(environment) ? ProgressMode.Tty : ProgressMode.Plain);
    }

    private static bool InCi(Func<string, string?> environment) =>
        CiVariables.Any(name => environment(name) is { Length: > 0 } value && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase)
            && value != "0");
}
