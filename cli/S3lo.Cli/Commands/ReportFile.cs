using S3lo.Core.Errors;

namespace S3lo.Cli.Commands;

/// <summary>
/// A report trivy writes (its --output) under a temporary name beside the target, moved into place only
/// when the run produced it whole: a failure or Ctrl-C leaves no file, and an old one stays as it was.
/// </summary>
internal sealed class ReportFile : IDisposable
{
    private ReportFile(string target, string temp)
    {
        Target = target;
        TempPath = temp;
    }

    public string Target { get; }

    /// <summary>What trivy is told to write.</summary>
    public string TempPath { get; }

    /// <summary>Checks -o before any download: its directory must exist and it must not be one.</summary>
    public static ReportFile For(string target)
    {
        var full = Path.GetFullPath(target);
        var directory = Path.GetDirectoryName(full)!;
        if (Directory.Exists(full)) throw new UsageException($"-o {target} is a directory", "name the file to write");
        if (!Directory.Exists(directory)) throw new UsageException($"-o {target}: directory {directory} does not exist");
        return new ReportFile(full, Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.s3lo-tmp"));
    }

    /// <summary>Moves the finished report into place; false when trivy wrote nothing.</summary>
    public bool Commit()
    {
        if (!File.Exists(TempPath)) return false;
        File.Move(TempPath, Target, overwrite: true);
        return true;
    }

    public void Dispose() => File.Delete(TempPath);
}
