namespace S3lo.Trivy;

/// <summary>
/// Finds trivy, or installs it to <c>~/.local/bin/trivy</c>: without asking under <c>--install-trivy</c>,
/// after a [Y/n] question on a terminal, and never in CI or without a terminal (a one-line error names the flag).
/// </summary>
public sealed class TrivySetup(TrivyLocator locator, TrivyInstaller installer, Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public TrivySetup() : this(new TrivyLocator(), new TrivyInstaller())
    {
    }

    /// <summary>The trivy to run, or null when none is installed; never asks, never downloads.</summary>
    public string? TryLocate(string? explicitPath) => locator.Locate(explicitPath);

    /// <summary>The trivy to run, installing it when allowed; throws <see cref="TrivyException"/> when there is none.</summary>
    public async Task<string> EnsureAsync(string? explicitPath, bool installWithoutAsking, CancellationToken ct)
    {
        if (locator.Locate(explicitPath) is { } found) return found;
        var release = TrivyRelease.ForThisMachine(_environment);
        var target = locator.InstallPath;
        var shown = ShortPath(target);
        if (!installWithoutAsking)
        {
            if (!IsInteractive)
                throw new TrivyException(
                    $"trivy not found: install it (https://trivy.dev) or run again with --install-trivy to put trivy {release.Version} in {shown}");
            Console.Error.Write($"Trivy is not installed. Install trivy {release.Version} to {shown}? [Y/n] ");
            var answer = Console.ReadLine()?.Trim();
            if (answer is null || !(answer.Length == 0 || answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
                throw new TrivyException("trivy not found and not installed",
                    "install it (https://trivy.dev), pass --trivy PATH, or run again with --install-trivy");
        }
        Console.Error.WriteLine($"installing trivy {release.Version} from {release.ArchiveUrl} to {shown}");
        await installer.InstallAsync(release, target, Console.IsErrorRedirected ? null : Console.Error, ct).ConfigureAwait(false);
        return target;
    }

    /// <summary>A person can answer: stdin and stderr are terminals and CI is not set.</summary>
    private bool IsInteractive => !Console.IsInputRedirected && !Console.IsErrorRedirected && string.IsNullOrEmpty(_environment("CI"));

    private string ShortPath(string path)
    {
        var home = locator.Home;
        return home.Length > 0 && path.StartsWith(home.TrimEnd('/') + "/", StringComparison.Ordinal) ? "~" + path[home.TrimEnd('/').Length..] : path;
    }
}
