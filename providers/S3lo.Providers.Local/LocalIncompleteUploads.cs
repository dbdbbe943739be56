using S3lo.Core.Storage;
using S3lo.Core.TempFiles;

namespace S3lo.Providers.Local;

/// <summary>
/// A local store's incomplete uploads: what runs killed mid-write left in <c>.s3lo-tmp/</c>. Write temps
/// (<c>&lt;32 hex&gt;</c>) are held locked (FileShare.None) by the process writing them, so a temp nobody can
/// lock is someone's write in progress and is left out; an abort deletes under that same lock. Work directories
/// (<c>s3lo-KIND-&lt;32 hex&gt;</c>, a push's encoded layers) hold closed files, so nothing shows an owner:
/// their time is that of their newest entry, and the caller's grace period keeps a running push's safe.
/// Lock files are never listed (deleting one while held would let two writers lock different files).
/// </summary>
internal static class LocalIncompleteUploads
{
    public static IEnumerable<IncompleteUpload> List(string tempDirectory)
    {
        var info = new DirectoryInfo(tempDirectory);
        if (!info.Exists || info.LinkTarget is not null) yield break;
        foreach (var entry in info.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null) continue;
            var upload = entry switch
            {
                FileInfo file when LocalTempCleaner.WriteTempName().IsMatch(file.Name) && !IsLocked(file.FullName) =>
                    new IncompleteUpload(KeyOf(file.Name), file.Name, file.LastWriteTimeUtc, file.Length),
                DirectoryInfo directory when StaleTemp.WorkDirectoryName().IsMatch(directory.Name) => WorkDirectory(directory),
                _ => null,
            };
            if (upload is not null) yield return upload;
        }
    }

    public static void Abort(string tempDirectory, IncompleteUpload upload)
    {
        // Only names this store makes, directly in its temp directory: an upload ID never reaches anything else.
        var path = Path.Combine(tempDirectory, upload.UploadId);
        if (LocalTempCleaner.WriteTempName().IsMatch(upload.UploadId))
        {
            if (new FileInfo(path) is not { Exists: true, LinkTarget: null }) return;
            try
            {
                using var locked = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Locked: a writer owns it again, so it is not incomplete; it is not ours to remove.
            }
            catch (FileNotFoundException)
            {
                // Renamed into place or removed meanwhile.
            }
        }
        else if (StaleTemp.WorkDirectoryName().IsMatch(upload.UploadId))
        {
            if (new DirectoryInfo(path) is not { Exists: true, LinkTarget: null } directory) return;
            try
            {
                directory.Delete(recursive: true); // unlinks links inside, never follows them
            }
            catch (DirectoryNotFoundException)
            {
                // Removed meanwhile.
            }
        }
    }

    private static IncompleteUpload? WorkDirectory(DirectoryInfo directory)
    {
        var newest = directory.LastWriteTimeUtc;
        long size = 0;
        try
        {
            foreach (var file in directory.EnumerateFiles("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false }))
            {
                if (file.LinkTarget is not null) continue;
                size += file.Length;
                if (file.LastWriteTimeUtc > newest) newest = file.LastWriteTimeUtc;
            }
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        return new IncompleteUpload(KeyOf(directory.Name), directory.Name, newest, size);
    }

    private static string KeyOf(string name) => LocalObjectStore.TempDirectoryName + "/" + name;

    private static bool IsLocked(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1);
            return false;
        }
        catch (FileNotFoundException)
        {
            return true; // renamed into place meanwhile: not a leftover
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // another user's: not ours to judge
        }
    }
}
