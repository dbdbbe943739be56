using S3lo.Core.TempFiles;

namespace S3lo.Cli.Commands;

/// <summary>A private temp directory (0700) for the archives trivy reads; removed with everything in it on every path.</summary>
internal sealed class ScanWorkspace : IDisposable
{
    private int _next;

    public ScanWorkspace(string kind)
    {
        Path = PrivateTemp.DirectoryPath(System.IO.Path.GetTempPath(), kind);
        PrivateTemp.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A new archive path inside the workspace (one per platform scanned).</summary>
    public string NextArchive() => System.IO.Path.Combine(Path, $"image-{++_next}.tar");

    /// <summary>Deletes an archive as soon as trivy is done with it, so --all-platforms holds one at a time.</summary>
    public static void Remove(string archive) => File.Delete(archive);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
