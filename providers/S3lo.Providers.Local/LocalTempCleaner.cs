using System.Text.RegularExpressions;
using S3lo.Core.TempFiles;

namespace S3lo.Providers.Local;

/// <summary>
/// Clears what killed runs left in a store's <c>.s3lo-tmp/</c> once older than a day: write temps
/// (<c>&lt;32 hex&gt;</c>) and staging directories (<c>s3lo-KIND-&lt;32 hex&gt;</c>). Lock files stay (a lock
/// file deleted while held would let two writers lock different files).
/// </summary>
internal static partial class LocalTempCleaner
{
    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex WriteTempName();

    public static void RemoveStale(string root)
    {
        var temp = Path.Combine(root, LocalObjectStore.TempDirectoryName);
        var info = new DirectoryInfo(temp);
        if (!info.Exists || info.LinkTarget is not null) return;
        StaleTemp.Remove(temp, WriteTempName(), directories: false, files: true);
        StaleTemp.RemoveStaleDirectories(temp);
    }
}
