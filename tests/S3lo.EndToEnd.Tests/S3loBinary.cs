using System.Diagnostics;
using System.Text;

namespace S3lo.EndToEnd.Tests;

/// <summary>Runs the published native binary as a user would: arguments in, exit code and both streams out.</summary>
public static class S3loBinary
{
    public static string Path
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("S3LO_BINARY");
            var path = !string.IsNullOrEmpty(fromEnv) ? fromEnv : System.IO.Path.Combine(Repo.Root, "artifacts", "linux-x64", "s3lo");
            if (!File.Exists(path))
                Assert.Fail($"the published s3lo binary is not at {path}: run build/publish.sh first (or set S3LO_BINARY)");
            return path;
        }
    }

    public static RunResult Run(params string[] args) => Run(args, null, null);

    /// <summary>Every run's stderr also goes to <see cref="StderrLog"/>, which the end of the run checks for crashes.</summary>
    public static RunResult Run(string[] args, IDictionary<string, string?>? environment, string? workingDirectory, TimeSpan? timeout = null)
    {
        var result = Processes.Run(Path, args, environment, workingDirectory, timeout ?? TimeSpan.FromMinutes(3));
        StderrLog.Append(args, result.Stderr);
        return result;
    }
}

public sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

public static class Processes
{
    public static RunResult Run(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        string? workingDirectory = null, TimeSpan? timeout = null, Stream? stdin = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "true";
        // No test may reach the link-local instance-metadata address (169.254.169.254): the AWS chain's
        // last source and Google's metadata-server probe are off unless a test points them at a stand-in.
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["NO_GCE_CHECK"] = "true";
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                if (v is null) start.Environment.Remove(k);
                else start.Environment[k] = v;
            }
        }
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            stdin.CopyTo(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in time\n{stdout}\n{stderr}");
        }
        process.WaitForExit();
        return new RunResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
