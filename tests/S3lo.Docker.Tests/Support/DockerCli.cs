using System.Diagnostics;

namespace S3lo.Docker.Tests.Support;

/// <summary>The docker CLI, for arranging and checking daemon state in tests only (product code never runs it).</summary>
internal static class DockerCli
{
    public static string Run(params string[] args) => RunIn(null, args);

    public static string RunIn(string? workingDirectory, params string[] args)
    {
        var (code, stdout, stderr) = TryRun(workingDirectory, args);
        if (code != 0) throw new InvalidOperationException($"docker {string.Join(' ', args)} failed ({code}): {stderr.Trim()}");
        return stdout.Trim();
    }

    public static (int Code, string Stdout, string Stderr) TryRun(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOCKER_BUILDKIT"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>True when the daemon knows this name or ID.</summary>
    public static bool ImageExists(string nameOrId) => TryRun(null, "image", "inspect", nameOrId).Code == 0;

    public static void RemoveQuietly(params string[] namesOrIds)
    {
        foreach (var name in namesOrIds) TryRun(null, "rmi", "-f", name);
    }
}
