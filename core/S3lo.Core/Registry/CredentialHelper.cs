using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>Runs <c>docker-credential-NAME get</c> with the server URL on stdin and reads its JSON answer.</summary>
internal static partial class CredentialHelper
{
    private const int MaxOutputChars = 64 * 1024;
    private const string TokenUsername = "<token>";

    public static async Task<RegistryCredential?> GetAsync(string name, string serverUrl, string source,
        Func<string, string?> environment, TimeSpan timeout, CancellationToken ct)
    {
        if (!HelperNameRegex().IsMatch(name))
            throw new S3loException($"invalid credential helper name '{ShowText(name)}' ({source})",
                "helper names are letters, digits, '.', '_' and '-' (docker-credential-NAME is run)");
        var executable = "docker-credential-" + name;
        var path = Resolve(executable, environment)
            ?? throw new S3loException($"credential helper {executable} (named by {source}) was not found on PATH",
                $"install {executable}, remove the entry from the docker config, or pass the credentials explicitly (--creds USER:PASSWORD)");

        var start = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("get");
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new S3loException($"cannot run credential helper {path} (named by {source}): {e.Message}",
                "check that it is executable, or pass the credentials explicitly (--creds USER:PASSWORD)", inner: e);
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var stdout = ReadCappedAsync(process.StandardOutput, timeoutSource.Token);
            var stderr = ReadCappedAsync(process.StandardError, timeoutSource.Token);
            try
            {
                await process.StandardInput.WriteAsync(serverUrl.AsMemory(), timeoutSource.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // A helper that exits without reading stdin: its exit code and output say why.
            }
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            var output = (await stdout.ConfigureAwait(false)).Trim();
            var errors = (await stderr.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0)
            {
                var text = output.Length > 0 ? output : errors;
                if (text.Contains("credentials not found", StringComparison.OrdinalIgnoreCase)) return null;
                throw new S3loException($"credential helper {executable} failed for {serverUrl} (exit code {process.ExitCode}): {FirstLine(text)}",
                    $"check '{executable} list', log in again with 'docker login', or pass the credentials explicitly (--creds USER:PASSWORD)");
            }
            var parsed = RegistryJson.ParseHelperOutput(Encoding.UTF8.GetBytes(output), $"the output of {executable} get");
            if (string.IsNullOrEmpty(parsed.Secret)) return null;
            return parsed.Username == TokenUsername
                ? new RegistryCredential(null, null, identityToken: parsed.Secret)
                : new RegistryCredential(parsed.Username, parsed.Secret);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new S3loException($"credential helper {executable} did not answer within {timeout.TotalSeconds:0} s",
                "it may be waiting for a password prompt or a keychain unlock; pass the credentials explicitly (--creds USER:PASSWORD)");
        }
        finally
        {
            if (!process.HasExited)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited in between.
                }
            }
        }
    }

    /// <summary>The helper's full path from PATH (with PATHEXT on Windows), or null.</summary>
    internal static string? Resolve(string executable, Func<string, string?> environment)
    {
        var pathVariable = environment("PATH") ?? "";
        var extensions = OperatingSystem.IsWindows()
            ? (environment("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [""];
        foreach (var directory in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathFullyQualified(directory)) continue; // a relative PATH entry would run whatever the current directory holds
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, executable + extension);
                if (!File.Exists(candidate)) continue;
                if (!OperatingSystem.IsWindows()
                    && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
                    continue;
                return candidate;
            }
        }
        return null;
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, CancellationToken ct)
    {
        var sb = new StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
        {
            if (sb.Length < MaxOutputChars) sb.Append(buffer, 0, Math.Min(n, MaxOutputChars - sb.Length));
        }
        return sb.ToString();
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return ShowText(line.Length == 0 ? "(no output)" : line);
    }

    private static string ShowText(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.Length > 200 ? text[..200] : text) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z", RegexOptions.CultureInvariant)]
    private static partial Regex HelperNameRegex();
}
