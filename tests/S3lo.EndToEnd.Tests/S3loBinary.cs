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
