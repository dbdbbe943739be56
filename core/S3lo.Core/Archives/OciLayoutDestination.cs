using System.Collections.Concurrent;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;

namespace S3lo.Core.Archives;

/// <summary>
/// <c>oci:DIR[:TAG]</c> as a transfer destination. Blobs are written to temp files in DIR and renamed into
/// blobs/sha256/ once complete and verified, so a blob name never holds partial bytes; index.json is
/// rewritten (temp + rename) on commit only, keeping the other entries and replacing the one of the same
/// ref name, so several tags share one layout as with skopeo. A failed copy leaves no index entry.
/// Concurrent copies into one layout take <see cref="LockFileName"/> around setting up the layout and around
/// each read-merge-rename of index.json, so none loses another's tag; temp names are unique per write.
/// </summary>
public sealed class OciLayoutDestination : IImageDestination
{
    private const int BufferSize = 1 << 20;

    /// <summary>The lock file inside the layout, there while a copy holds it (see <see cref="FileLock"/>).</summary>
    public const string LockFileName = ".s3lo-index.lock";
    private readonly LayoutDirectory _layout;
    private readonly ConcurrentDictionary<string, byte> _temps = new(StringComparer.Ordinal);
    private bool _prepared;

    public OciLayoutDestination(string directory, string? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
        Tag = tag;
        _layout = new LayoutDirectory(directory);
    }

    public string Directory { get; }
    public string? Tag { get; }
    public string Name => $"oci:{Directory}{(Tag is null ? "" : ":" + Tag)}";

    // Layers are kept as they come: an image built from plain tars stays plain, as `docker save` wrote it.
    public LayerFormats Layers => LayerFormats.Stored(LayerCompression.None);

    public async Task PrepareAsync(TransferPlan plan, CancellationToken ct)
    {
        if (File.Exists(_layout.Root))
            throw new S3loException($"{Name}: {_layout.Root} is a file, not a directory", "oci: takes a directory; for a single file use oci-archive:FILE");
        System.IO.Directory.CreateDirectory(_layout.Root);
        StaleTemp.Remove(_layout.Root, OciLayoutTemp.Name(), directories: false, files: true, ".s3lo-*");
        using (await LockAsync(ct).ConfigureAwait(false))
            await EnsureLayoutAsync(ct).ConfigureAwait(false);
        _prepared = true;
    }

    private Task<IDisposable> LockAsync(CancellationToken ct) => FileLock.AcquireAsync(_layout.PathOf(LockFileName), Name, ct);

    /// <summary>Creates the layout (oci-layout, blobs/sha256) or checks the one there, index.json included, before any blob is written.</summary>
    private async Task EnsureLayoutAsync(CancellationToken ct)
    {
        var layoutFile = _layout.PathOf(OciLayout.LayoutFileName);
        if (File.Exists(layoutFile))
        {
            OciLayout.CheckLayoutFile(await ReadFileAsync(OciLayout.LayoutFileName, OciLayout.MaxLayoutFileBytes, ct).ConfigureAwait(false), Name);
            await ReadIndexAsync(ct).ConfigureAwait(false);
        }
        else
        {
            if (System.IO.Directory.EnumerateFileSystemEntries(_layout.Root).Any(e => !Path.GetFileName(e).StartsWith(".s3lo-", StringComparison.Ordinal)))
                throw new S3loException($"{Name}: {_layout.Root} is not empty and not an OCI image layout (no oci-layout file)",
                    "write to a new or empty directory, or to an existing OCI image layout");
            await WriteAtomicallyAsync(OciLayout.LayoutFileName, OciLayout.LayoutFileBytes, ct).ConfigureAwait(false);
        }
        System.IO.Directory.CreateDirectory(_layout.PathOf(OciLayout.BlobsDirectory));
        System.IO.Directory.CreateDirectory(_layout.PathOf(OciLayout.Sha256Directory));
    }

    /// <summary>A blob is there when its file has the right size (written only by rename, so complete).</summary>
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        var info = new FileInfo(_layout.PathOf(OciLayout.BlobName(OciLayout.BlobDigest(descriptor, Name))));
        return Task.FromResult(info.Exists && info.Length == descriptor.Size);
    }

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        EnsurePrepared();
        var digest = OciLayout.BlobDigest(descriptor, Name);
        return WriteBlobAsync(digest, descriptor.Size, file => content.CopyToAsync(file, BufferSize, ct), ct);
    }

    public async Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct)
    {
        EnsurePrepared();
        await PutBytesBlobAsync(manifest, ct).ConfigureAwait(false);
    }

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        EnsurePrepared();
        await PutBytesBlobAsync(root, ct).ConfigureAwait(false);
        using (await LockAsync(ct).ConfigureAwait(false))
        {
            var existing = await ReadIndexAsync(ct).ConfigureAwait(false);
            var index = OciLayout.WithEntry(existing, OciLayout.EntryFor(root, Tag), Tag, out var previous);
            if (previous == root.Digest) return new CommitResult(root.Digest, previous, Unchanged: true);
            await WriteAtomicallyAsync(OciLayout.IndexFileName, OciLayout.SerializeIndex(index), ct).ConfigureAwait(false);
            return new CommitResult(root.Digest, previous, Unchanged: false);
        }
    }

    private async Task PutBytesBlobAsync(ManifestBlob manifest, CancellationToken ct)
    {
        var descriptor = manifest.ToDescriptor();
        if (await HasBlobAsync(descriptor, ct).ConfigureAwait(false)) return;
        await WriteBlobAsync(manifest.Digest, manifest.Size, file => file.WriteAsync(manifest.Bytes, ct).AsTask(), ct).ConfigureAwait(false);
    }

    private async Task<ImageIndex?> ReadIndexAsync(CancellationToken ct)
    {
        if (!File.Exists(_layout.PathOf(OciLayout.IndexFileName))) return null;
        return OciLayout.ParseIndex(await ReadFileAsync(OciLayout.IndexFileName, OciLayout.MaxIndexBytes, ct).ConfigureAwait(false), Name);
    }

    private async Task<byte[]> ReadFileAsync(string name, int limit, CancellationToken ct)
    {
        await using var stream = await _layout.OpenAsync(name, ct).ConfigureAwait(false);
        return await OciLayout.ReadCappedAsync(stream, limit, $"{name} in {Name}", ct).ConfigureAwait(false);
    }

    /// <summary>Fills a temp file in the layout directory, checks its size, flushes it to disk and renames it to the blob's name.</summary>
    private async Task WriteBlobAsync(Digest digest, long size, Func<FileStream, Task> fill, CancellationToken ct)
    {
        var final = _layout.PathOf(OciLayout.BlobName(digest));
        var temp = NewTempPath("blob");
        try
        {
            await using (var file = new FileStream(temp, PrivateTemp.NewFile(BufferSize)))
            {
                await fill(file).ConfigureAwait(false);
                if (file.Length != size)
                    throw new S3loException($"blob {digest} for {Name} came to {file.Length} bytes, not {size}; it was not stored");
                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            PrivateTemp.MakeReadableLike(temp, _layout.Root);
            File.Move(temp, final, overwrite: true);
        }
        finally
        {
            DeleteTemp(temp);
        }
    }

    private async Task WriteAtomicallyAsync(string name, byte[] bytes, CancellationToken ct)
    {
        var final = _layout.PathOf(name);
        var temp = NewTempPath(name);
        try
        {
            await using (var file = new FileStream(temp, PrivateTemp.NewFile(4096)))
            {
                await file.WriteAsync(bytes, ct).ConfigureAwait(false);
                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            PrivateTemp.MakeReadableLike(temp, _layout.Root);
            File.Move(temp, final, overwrite: true);
        }
        finally
        {
            DeleteTemp(temp);
        }
    }

    private string NewTempPath(string what)
    {
        var path = Path.Combine(_layout.Root, OciLayoutTemp.NewName(what));
        _temps[path] = 0;
        return path;
    }

    private void DeleteTemp(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
            _temps.TryRemove(path, out _);
        }
        catch (IOException)
        {
            // Left for DisposeAsync; a stray temp file never has a blob's name.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void EnsurePrepared()
    {
        if (!_prepared) throw new InvalidOperationException("PrepareAsync must run before anything is written");
    }

    public ValueTask DisposeAsync()
    {
        foreach (var temp in _temps.Keys) DeleteTemp(temp);
        return ValueTask.CompletedTask;
    }
}
