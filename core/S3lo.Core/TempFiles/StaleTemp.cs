using System.Text.RegularExpressions;

namespace S3lo.Core.TempFiles;

/// <summary>
/// Removes what a killed run left behind, once it is older than <see cref="MaxAge"/> (no live run is that
/// old). Only names s3lo makes are touched, each by its exact pattern; a symlink is never followed (one of
/// our names pointing elsewhere is not ours: it is left alone), and a directory is deleted without
/// descending into links.
/// </summary>
public static partial class StaleTemp
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    /// <summary><c>s3lo-KIND-&lt;32 hex&gt;</c>: the spool and work directories of push, pull and archives.</summary>
    [GeneratedRegex("^s3lo-[a-z]+-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    public static partial Regex WorkDirectoryName();

    /// <summary>Removes stale <see cref="WorkDirectoryName"/> directories directly in <paramref name="parent"/>.</summary>
    public static void RemoveStaleDirectories(string parent) => Remove(parent, WorkDirectoryName(), directories: true, files: false, "s3lo-*");

    /// <summary>
    /// Removes stale entries directly in <paramref name="directory"/> whose names match <paramref name="pattern"/>;
    /// <paramref name="glob"/> narrows the listing first (a shared /tmp can hold many entries).
    /// </summary>
    public static void Remove(string directory, Regex pattern, bool directories, bool files, string glob = "*")
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(directory).EnumerateFileSystemInfos(glob, new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 }).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        var cutoff = DateTime.UtcNow - MaxAge;
        foreach (var entry in entries)
        {
            if (!pattern.IsMatch(entry.Name) || entry.LinkTarget is not null) continue;
            if (entry.LastWriteTimeUtc > cutoff) continue;
            try
            {
                if (entry is DirectoryInfo dir && directories) dir.Delete(recursive: true); // unlinks links inside, never follows them
                else if (entry is FileInfo file && files) file.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, or in use: not ours to force.
            }
        }
    }
}
