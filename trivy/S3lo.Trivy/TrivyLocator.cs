using S3lo.Core.Errors;

namespace S3lo.Trivy;

/// <summary>
/// Finds the trivy executable, first match wins: <c>--trivy PATH</c>, env <c>S3LO_TRIVY</c>, <c>trivy</c>
/// on PATH, then <c>~/.local/bin/trivy</c> (where s3lo installs it). A path the user named that is
/// missing or not executable is a usage error, never silently skipped.
/// </summary>
public sealed class TrivyLocator(Func<string, string?>? environment = null)
{
    public const string PathVariable = "S3LO_TRIVY";
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    private static string ExecutableName => OperatingSystem.IsWindows() ? "trivy.exe" : "trivy";

    /// <summary><c>~/.local/bin/trivy</c>, HOME honoured (USERPROFILE on Windows).</summary>
    public string InstallPath => Path.Combine(Home, ".local", "bin", ExecutableName);

    /// <summary>The user's home directory: HOME, else the OS's idea of it.</summary>
    public string Home =>
        _environment("HOME") is { Length: > 0 } home ? home
        : _environment("USERPROFILE") is { Length: > 0 } profile ? profile
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The trivy to run, or null when there is none (the caller may install one).</summary>
    /// <param name="explicitPath">The <c>--trivy</c> flag's value, null when not given.</param>
    public string? Locate(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath)) return Checked(explicitPath, "--trivy");
        if (_environment(PathVariable) is { Length: > 0 } fromEnv) return Checked(fromEnv, PathVariable);
        if (OnPath() is { } onPath) return onPath;
        return IsExecutable(InstallPath) ? InstallPath : null;
    }

    private static string Checked(string path, string source)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{source} {path} is a directory, not the trivy executable");
        if (!File.Exists(full)) throw new UsageException($"{source} {path} does not exist", "name the trivy executable, or leave it out to find trivy on PATH");
        if (!IsExecutable(full)) throw new UsageException($"{source} {path} is not executable", $"chmod +x {path}");
        return full;
    }

    private string? OnPath()
    {
        var path = _environment("PATH");
        if (string.IsNullOrEmpty(path)) return null;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate;
            try
            {
                candidate = Path.GetFullPath(Path.Combine(directory, ExecutableName));
            }
            catch (ArgumentException)
            {
                continue;
            }
            if (IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    internal static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
