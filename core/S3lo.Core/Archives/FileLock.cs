using S3lo.Core.Errors;
using S3lo.Core.TempFiles;

namespace S3lo.Core.Archives;

/// <summary>
/// An exclusive OS lock (flock on Unix, a share-none open on Windows) on a lock file, taken around the
/// read-merge-rename of an index.json or an archive, so concurrent copies to one target add their tags in
/// turn instead of overwriting each other. The lock file stays: deleting it while others wait on it would
/// let two writers lock different files. Released by disposing.
/// </summary>
public static class FileLock
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public static async Task<IDisposable> AcquireAsync(string lockPath, string what, CancellationToken ct)
    {
        if (new FileInfo(lockPath).LinkTarget is not null)
            throw new S3loException($"the lock file {lockPath} is a symlink; s3lo does not follow it", "remove it and try again");
        var deadline = DateTime.UtcNow + Patience;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateTemp.FileMode;
                return new FileStream(lockPath, options);
            }
            catch (IOException e) when (!IsMissing(e) && DateTime.UtcNow < deadline)
            {
                // Held by another writer: back off (with jitter, so waiters do not retry in lockstep).
                await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 10)), ct).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
            catch (IOException e) when (!IsMissing(e))
            {
                throw new S3loException($"{what} stayed locked by another writer for {Patience.TotalMinutes:0} minutes ({lockPath})",
                    "wait for the other copy to finish, or remove the lock file if no s3lo is running", inner: e);
            }
        }
    }

    private static bool IsMissing(IOException e) => e is FileNotFoundException or DirectoryNotFoundException;
}
