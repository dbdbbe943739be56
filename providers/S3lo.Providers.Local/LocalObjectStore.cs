using System.Runtime.CompilerServices;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Core.Streams;
using S3lo.Core.TempFiles;

namespace S3lo.Providers.Local;

/// <summary>
/// A directory as an object store. Writes go to a temp file under <c>.s3lo-tmp/</c> (same file
/// system) and are renamed into place only after the whole stream was read, so a killed or
/// failed write never leaves a partial object at its key. No symlink below the root is followed: reading,
/// writing or deleting through one is refused (exit 1), and listings skip them, so a link planted in a
/// shared store can neither leak a file from elsewhere nor make s3lo write outside the store.
/// </summary>
public sealed class LocalObjectStore : IObjectStore, ILocalFileStore, IIncompleteUploads, IStoreCreation
{
    internal const string TempDirectoryName = ".s3lo-tmp";
    private const int BufferSize = 1 << 20;
    private readonly string _root;
    private readonly string _tempDirectory;

    public LocalObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        _tempDirectory = Path.Combine(_root, TempDirectoryName);
        DisplayName = "local://" + _root;
    }

    public string DisplayName { get; }

    /// <summary>Set by the provider when opening created the directory.</summary>
    public bool Created { get; internal init; }

    public string? Location => null;

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? ToObjectInfo(key, info) : null);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            return Task.FromResult<Stream>(OpenForRead(key));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(DisplayName, key);
        }
    }

    public Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct)
    {
        FileStream file;
        try
        {
            file = OpenForRead(key);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(DisplayName, key);
        }
        file.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(new BoundedReadStream(file, length));
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        var target = PathOf(key);
        CheckCondition(key, target, options.Condition);
        var temp = Path.Combine(StagingDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, PrivateTemp.NewFile(BufferSize)))
            {
                if (length > 0) file.SetLength(length);
                await content.CopyToAsync(file, BufferSize, ct).ConfigureAwait(false);
                if (length >= 0 && file.Position != length)
                    throw new IOException($"{key}: expected {length} bytes, got {file.Position}");
                if (file.Length != file.Position) file.SetLength(file.Position);
            }
            PrivateTemp.MakeReadableLike(temp, _root);
            CreateParents(key);
            Commit(key, temp, target, options.Condition);
        }
        finally
        {
            File.Delete(temp);
        }
        return ToObjectInfo(key, new FileInfo(target));
    }

    // The check before the write fails fast; the move below is what makes IfAbsent atomic.
    private void CheckCondition(string key, string target, WriteCondition condition)
    {
        if (condition.RequireAbsent && File.Exists(target)) throw new PreconditionFailedException(DisplayName, key);
        if (condition.ETag is { } etag)
        {
            var info = new FileInfo(target);
            if (!info.Exists || ETagOf(info) != etag) throw new PreconditionFailedException(DisplayName, key);
        }
    }

    private void Commit(string key, string temp, string target, WriteCondition condition)
    {
        if (condition.RequireAbsent)
        {
            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                throw new PreconditionFailedException(DisplayName, key);
            }
            return;
        }
        if (condition.ETag is null)
        {
            File.Move(temp, target, overwrite: true);
            return;
        }
        // IfMatch: check and rename under an exclusive lock, so two writers of one key cannot both win.
        // Lock files stay (deleting them would let two writers lock different inodes).
        using (AcquireKeyLock(key))
        {
            CheckCondition(key, target, condition);
            File.Move(temp, target, overwrite: true);
        }
    }

    /// <summary>
    /// The key's lock file in <c>.s3lo-tmp/</c> (created, and checked for a symlink, by
    /// <see cref="StagingDirectory"/>: a v1 store or a fresh copy may not have it yet).
    /// Only a lock held by another writer is waited for; any other failure is reported at once.
    /// </summary>
    private FileStream AcquireKeyLock(string key)
    {
        var lockPath = Path.Combine(StagingDirectory, "lock-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException))
            {
                if (DateTime.UtcNow >= deadline)
                    throw new S3loException($"{key} in {DisplayName} stayed locked for 30 s", "another s3lo process is writing it; run the command again when it is done");
                Thread.Sleep(10);
            }
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        // List from the deepest directory the prefix names, then filter by the full prefix.
        var slash = prefix.LastIndexOf('/');
        var directoryKey = slash < 0 ? "" : prefix[..slash];
        var directory = directoryKey.Length == 0 ? _root : PathOf(directoryKey);
        if (!Directory.Exists(directory)) yield break;
        foreach (var file in FilesUnder(new DirectoryInfo(directory)))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(TempDirectoryName + "/", StringComparison.Ordinal)) continue;
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return ToObjectInfo(key, file);
        }
    }

    /// <summary>
    /// Regular files below a directory, walked by hand so that no symlink (to a file or a directory) is
    /// entered. Skipped rather than refused: one planted link must not make a whole listing fail, and a
    /// skipped entry is never read; naming it directly gets the error.
    /// </summary>
    private static IEnumerable<FileInfo> FilesUnder(DirectoryInfo directory)
    {
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };
        var pending = new Stack<DirectoryInfo>();
        pending.Push(directory);
        while (pending.TryPop(out var current))
        {
            foreach (var entry in current.EnumerateFileSystemInfos("*", options))
            {
                if (entry.LinkTarget is not null) continue;
                if (entry is DirectoryInfo sub) pending.Push(sub);
                else if (entry is FileInfo file) yield return file;
            }
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory)) return Task.CompletedTask;
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // A parallel delete emptied and removed the directory: this key was missing anyway.
            return Task.CompletedTask;
        }
        RemoveEmptyParents(directory);
        return Task.CompletedTask;
    }

    /// <summary>File deletes have no batch form; a few in parallel keep a disk's queue busy.</summary>
    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) =>
        ParallelDeletes.RunAsync(this, keys, 8, ct);

    /// <summary>Under the key's lock, like an IfMatch write: a write that lands first changes the tag and wins.</summary>
    public Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct)
    {
        var path = PathOf(key);
        if (!Directory.Exists(Path.GetDirectoryName(path)!)) throw new PreconditionFailedException(DisplayName, key);
        using (AcquireKeyLock(key))
        {
            CheckCondition(key, path, WriteCondition.IfMatch(etag));
            File.Delete(path);
        }
        RemoveEmptyParents(Path.GetDirectoryName(path)!);
        return Task.CompletedTask;
    }

    /// <summary><c>.s3lo-tmp/</c>, created owner-only; refused when it is a symlink (temp files would land elsewhere).</summary>
    public string StagingDirectory
    {
        get
        {
            CheckNoLink(_tempDirectory, TempDirectoryName);
            PrivateTemp.CreateDirectory(_tempDirectory);
            return _tempDirectory;
        }
    }

    public async IAsyncEnumerable<IncompleteUpload> ListIncompleteUploadsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        CheckNoLink(_tempDirectory, TempDirectoryName);
        foreach (var upload in LocalIncompleteUploads.List(_tempDirectory))
        {
            ct.ThrowIfCancellationRequested();
            yield return upload;
        }
    }

    public Task AbortAsync(IncompleteUpload upload, CancellationToken ct)
    {
        CheckNoLink(_tempDirectory, TempDirectoryName);
        LocalIncompleteUploads.Abort(_tempDirectory, upload);
        return Task.CompletedTask;
    }

    public Task<bool> TryMoveInAsync(string path, string key, CancellationToken ct)
    {
        var target = PathOf(key);
        CreateParents(key);
        // Into the temp directory first: from another file system that is a copy, which must never
        // be visible at the key half-done; the rename from there is atomic.
        var staged = Path.GetDirectoryName(Path.GetFullPath(path)) == _tempDirectory ? path : Path.Combine(StagingDirectory, Guid.NewGuid().ToString("N"));
        if (staged != path) File.Move(path, staged);
        PrivateTemp.MakeReadableLike(staged, _root);
        File.Move(staged, target, overwrite: true);
        return Task.FromResult(true);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Maps a key to a path inside the root, refusing anything that could leave it, symlinks on the way included.</summary>
    internal string PathOf(string key)
    {
        if (key.Length == 0 || key[0] == '/' || key.Contains('\\') || key.Contains('\0'))
            throw UnsafeKey(key);
        foreach (var segment in key.Split('/'))
        {
            if (segment is "" or "." or "..") throw UnsafeKey(key);
        }
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw UnsafeKey(key);
        var at = _root;
        foreach (var segment in key.Split('/'))
        {
            at = Path.Combine(at, segment);
            CheckNoLink(at, key);
        }
        return path;
    }

    // One line a user can read (exit 1), never a stack trace: keys normally come validated, so this is bad input from a bucket or a bug.
    private S3loException UnsafeKey(string key) =>
        new($"'{key.ReplaceLineEndings(" ").Replace('\0', ' ')}' is not a key inside the local store {_root} (empty, '.' or '..' parts, a leading '/' or a backslash); it was refused");

    private void CheckNoLink(string path, string key)
    {
        FileSystemInfo info = new FileInfo(path);
        if (info.LinkTarget is not { } target) return;
        var relative = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
        throw new S3loException($"{relative} in the local store {_root} is a symlink (to {target}); s3lo follows no symlinks inside a store, so '{key}' was not touched",
            "replace the link with a real file or directory, or remove it");
    }

    /// <summary>The key's parent directories; a link swapped in meanwhile is caught by the check after.</summary>
    private void CreateParents(string key)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        PathOf(key);
    }

    private FileStream OpenForRead(string key) =>
        new(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize,
            FileOptions.Asynchronous | FileOptions.SequentialScan);

    private void RemoveEmptyParents(string directory)
    {
        // Deleting a tag removes its now-empty directories, like a prefix disappearing from a bucket.
        while (directory.Length > _root.Length && directory.StartsWith(_root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(directory).Any()) return;
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                return;
            }
            directory = Path.GetDirectoryName(directory)!;
        }
    }

    private static ObjectInfo ToObjectInfo(string key, FileInfo info) =>
        new(key, info.Length, info.LastWriteTimeUtc, ETagOf(info));

    private static string ETagOf(FileInfo info) => $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}";
}
