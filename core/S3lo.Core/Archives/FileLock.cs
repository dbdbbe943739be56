using S3lo.Core.Errors;
using S3lo.Core.TempFiles;

namespace S3lo.Core.Archives;

/// <summary>
/// An exclusive OS lock (flock on Unix, a share-none open on Windows) on a lock file, taken around the
/// read-merge-rename of an index.json or an archive, so concurrent copies to one target add their tags in
/// turn instead of overwriting each other. Released by disposing, which also removes the lock file: a
/// waiter may then hold a lock on the removed file, so after locking each taker stamps a unique mtime
/// through its handle and checks the path shows it (same file) — else it tries again. Where the file
/// system cannot keep the stamp (or on Windows) the lock file is simply left in place.
/// </summary>
public static class FileLock
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public static async Task<IDisposable> AcquireAsync(string lockPath, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (new FileInfo(lockPath).LinkTarget is not null)
                throw new S3loException($"the lock file {lockPath} is a symlink; s3lo does not follow it", "remove it and try again");
            FileStream? stream = null;
            try
            {
                stream = new FileStream(lockPath, Options());
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException))
            {
                if (DateTime.UtcNow >= deadline)
                    throw new S3loException($"{what} stayed locked by another writer for {Patience.TotalMinutes:0} minutes ({lockPath})",
                        "wait for the other copy to finish, or remove the lock file if no s3lo is running", inner: e);
            }
            if (stream is not null)
            {
                if (OperatingSystem.IsWindows()) return new Held(stream, lockPath, removable: false);
                var stamp = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(Random.Shared.NextInt64(0, 10_000_000_000_000_000));
                File.SetLastWriteTime(stream.SafeFileHandle, stamp);
                if (File.GetLastWriteTimeUtc(stream.SafeFileHandle) != stamp) return new Held(stream, lockPath, removable: false);
                if (File.Exists(lockPath) && File.GetLastWriteTimeUtc(lockPath) == stamp) return new Held(stream, lockPath, removable: true);
                await stream.DisposeAsync().ConfigureAwait(false); // locked a file its holder removed meanwhile
                continue;
            }
            // Held by another writer: back off (with jitter, so waiters do not retry in lockstep).
            await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 10)), ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    private static FileStreamOptions Options()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateTemp.FileMode;
        return options;
    }

    private sealed class Held(FileStream stream, string path, bool removable) : IDisposable
    {
        public void Dispose()
        {
            // Removed while still locked: whoever locks it next sees the path is gone and starts over.
            if (removable)
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            stream.Dispose();
        }
    }
}
