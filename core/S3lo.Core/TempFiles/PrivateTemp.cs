namespace S3lo.Core.TempFiles;

/// <summary>
/// Temp files and directories that hold layers: owner-only (0600 files, 0700 directories) on Unix, since a
/// shared /tmp or a store other users can read must not expose private image contents while they sit there.
/// Directories are named <c>s3lo-KIND-&lt;32 hex&gt;</c>, the one pattern <see cref="StaleTemp"/> cleans up.
/// </summary>
public static class PrivateTemp
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Options for a new temp file: created, never opened if already there (CreateNew), 0600.</summary>
    public static FileStreamOptions NewFile(int bufferSize, FileOptions options = FileOptions.Asynchronous, FileShare share = FileShare.None)
    {
        var result = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = share,
            BufferSize = bufferSize,
            Options = options,
        };
        if (!OperatingSystem.IsWindows()) result.UnixCreateMode = FileMode;
        return result;
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) owner-only.</summary>
    public static DirectoryInfo CreateDirectory(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, DirectoryMode);

    /// <summary>
    /// The path of a new private directory <c>parent/s3lo-KIND-&lt;32 hex&gt;</c> (not created yet); stale
    /// ones a killed run left in <paramref name="parent"/> are removed first.
    /// </summary>
    public static string DirectoryPath(string parent, string kind)
    {
        StaleTemp.RemoveStaleDirectories(parent);
        return Path.Combine(parent, $"s3lo-{kind}-{Guid.NewGuid():N}");
    }

    /// <summary>
    /// Before a finished temp file is renamed to its public name: 0600, plus read for group and others where
    /// <paramref name="directory"/> grants it, so a store or archive shared by its directory stays readable.
    /// </summary>
    public static void MakeReadableLike(string file, string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var shared = File.GetUnixFileMode(directory) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(file, FileMode | shared);
    }
}
