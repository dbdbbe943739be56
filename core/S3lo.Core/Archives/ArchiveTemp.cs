using System.Text.RegularExpressions;
using S3lo.Core.TempFiles;

namespace S3lo.Core.Archives;

/// <summary>
/// The files an archive destination keeps next to FILE while it writes: <c>.NAME.s3lo-&lt;32 hex&gt;.tmp</c>
/// (the archive until it is complete), <c>.spool</c> and <c>.tar</c> (blobs waiting for their turn), all
/// unique per copy, and <c>.NAME.s3lo.lock</c>, the lock concurrent copies to FILE take in turn (removed on release).
/// </summary>
public static partial class ArchiveTemp
{
    public static string NewTempPath(string fullPath) => Path.Combine(DirectoryOf(fullPath), $"{SpoolPrefix(fullPath)}{Guid.NewGuid():N}.tmp");

    /// <summary>The prefix of spool files: they end in <c>&lt;32 hex&gt;.spool</c> or <c>.tar</c>.</summary>
    public static string SpoolPrefix(string fullPath) => $".{Path.GetFileName(fullPath)}.s3lo-";

    public static string LockPath(string fullPath) => Path.Combine(DirectoryOf(fullPath), $".{Path.GetFileName(fullPath)}.s3lo.lock");

    /// <summary>Clears what killed copies to any archive left in the directory, once older than a day.</summary>
    public static void RemoveStale(string fullPath) =>
        StaleTemp.Remove(DirectoryOf(fullPath), LeftoverName(), directories: false, files: true, ".*.s3lo-*");

    [GeneratedRegex(@"^\..+\.s3lo-[0-9a-f]{32}\.(tmp|spool|tar)$", RegexOptions.CultureInvariant)]
    private static partial Regex LeftoverName();

    private static string DirectoryOf(string fullPath) => Path.GetDirectoryName(fullPath)!;
}
