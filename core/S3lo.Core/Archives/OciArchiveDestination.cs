using System.Collections.Concurrent;
using S3lo.Core.Errors;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;

namespace S3lo.Core.Archives;

/// <summary>
/// <c>oci-archive:FILE[:TAG]</c> as a transfer destination: a tar of an OCI image layout written in one
/// pass. oci-layout first, blobs in the order they arrive (one at a time; blobs arriving meanwhile are
/// spooled next to the file), manifests, then index.json on commit. Everything goes to a temp file of its own
/// next to FILE, renamed to FILE only once complete: a failed copy leaves no file at FILE. The commit holds
/// FILE's lock (<see cref="ArchiveTemp.LockPath"/>) and carries over what an existing OCI archive at FILE
/// holds — its index entries, except an entry of the same tag, which this image replaces, and the blobs the
/// kept entries reach — so several tags share one archive as they share one oci: layout, concurrent copies
/// lose none, and a tag copied again and again does not keep its old layers.
/// Something at FILE that is no OCI archive is replaced. Entries are deterministic (mtime 0, uid/gid 0, 0644).
/// </summary>
public sealed class OciArchiveDestination : IImageDestination
{
    private const int OutputBufferSize = 1 << 20;
    private readonly ConcurrentDictionary<string, byte> _written = new(StringComparer.Ordinal);
    private FileStream? _output;
    private TarEntryWriter? _tar;
    private SequentialWriteGate? _gate;
    private TransferPlan? _plan;
    private Exception? _broken;
    private bool _committed;

    public OciArchiveDestination(string file, string? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        File = file;
        Tag = tag;
        FullPath = Path.GetFullPath(file);
        TempPath = ArchiveTemp.NewTempPath(FullPath);
    }

    public string File { get; }
    public string? Tag { get; }
    public string Name => $"oci-archive:{File}{(Tag is null ? "" : ":" + Tag)}";

    // Layers are kept as they come: an image built from plain tars stays plain, as `docker save` wrote it.
    public LayerFormats Layers => LayerFormats.Stored(LayerCompression.None);
    private string FullPath { get; }

    /// <summary>Where the archive is written until it is complete.</summary>
    public string TempPath { get; }

    public async Task PrepareAsync(TransferPlan plan, CancellationToken ct)
    {
        if (_output is not null) throw new InvalidOperationException("PrepareAsync was called already");
        var directory = Path.GetDirectoryName(FullPath)!;
        if (!Directory.Exists(directory))
            throw new NotFoundException($"{Name}: the directory {directory} does not exist", "create it first, or write the archive somewhere else");
        if (Directory.Exists(FullPath))
            throw new S3loException($"{Name}: {FullPath} is a directory", "oci-archive: writes a tar file; to write a layout directory use oci:DIR");
        _plan = plan;
        ArchiveTemp.RemoveStale(FullPath);
        // CreateNew: a name planted meanwhile (even a symlink) makes this fail, it is never opened.
        _output = new FileStream(TempPath, PrivateTemp.NewFile(OutputBufferSize));
        _tar = new TarEntryWriter(_output);
        _gate = new SequentialWriteGate(directory, ArchiveTemp.SpoolPrefix(FullPath));
        await _tar.FileAsync(OciLayout.LayoutFileName, OciLayout.LayoutFileBytes, ct).ConfigureAwait(false);
        await _tar.DirectoryAsync(OciLayout.BlobsDirectory, ct).ConfigureAwait(false);
        await _tar.DirectoryAsync(OciLayout.Sha256Directory, ct).ConfigureAwait(false);
    }

    /// <summary>Only what this transfer wrote: the archive starts empty.</summary>
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_written.ContainsKey(descriptor.Digest));

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        var digest = OciLayout.BlobDigest(descriptor, Name);
        EnsureWritable();
        await _gate!.WriteAsync(content, async (stream, token) =>
        {
            EnsureWritable();
            if (_written.ContainsKey(descriptor.Digest))
            {
                await stream.CopyToAsync(Stream.Null, token).ConfigureAwait(false); // a second copy is verified, not stored
                return;
            }
            await WriteEntryAsync(() => _tar!.FileAsync(OciLayout.BlobName(digest), stream, descriptor.Size, $"blob {digest}", token)).ConfigureAwait(false);
            _written[descriptor.Digest] = 0;
        }, ct).ConfigureAwait(false);
    }

    public Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct)
    {
        EnsureWritable();
        return _gate!.RunExclusiveAsync(token => PutManifestLockedAsync(manifest, token), ct);
    }

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        EnsureWritable();
        var missing = _plan!.Blobs.FirstOrDefault(b => !_written.ContainsKey(b.Digest));
        if (missing is not null) throw new S3loException($"blob {missing.Digest} never reached {Name}; the archive was not written");
        Digest? previous = null;
        await _gate!.RunExclusiveAsync(async token =>
        {
            await PutManifestLockedAsync(root, token).ConfigureAwait(false);
            using var fileLock = await FileLock.AcquireAsync(ArchiveTemp.LockPath(FullPath), Name, token).ConfigureAwait(false);
            ImageIndex index;
            (index, previous) = await CarryOverAsync(OciLayout.EntryFor(root, Tag), token).ConfigureAwait(false);
            await WriteEntryAsync(() => _tar!.FileAsync(OciLayout.IndexFileName, OciLayout.SerializeIndex(index), token)).ConfigureAwait(false);
            await WriteEntryAsync(() => _tar!.EndAsync(token)).ConfigureAwait(false);
            await _output!.FlushAsync(token).ConfigureAwait(false);
            _output.Flush(flushToDisk: true);
            await _output.DisposeAsync().ConfigureAwait(false);
            _output = null;
            PrivateTemp.MakeReadableLike(TempPath, Path.GetDirectoryName(FullPath)!);
            System.IO.File.Move(TempPath, FullPath, overwrite: true);
            _committed = true;
        }, ct).ConfigureAwait(false);
        return new CommitResult(root.Digest, previous, Unchanged: false);
    }

    /// <summary>
    /// The index FILE gets: the one of the OCI archive now at FILE with <paramref name="entry"/> set (or a new one
    /// when there is none, or something else is there, which is then replaced). Appends the blobs of the old
    /// archive that the entries kept in it reach and this copy did not write: a replaced tag's layers and blobs
    /// nothing points to are dropped, so re-copying a tag into one file does not grow it forever. Runs under FILE's lock.
    /// </summary>
    private async Task<(ImageIndex Index, Digest? Previous)> CarryOverAsync(Descriptor entry, CancellationToken ct)
    {
        Digest? previous;
        var fresh = OciLayout.WithEntry(null, entry, Tag, out previous);
        if (!System.IO.File.Exists(FullPath)) return (fresh, previous);
        TarLayoutFiles files;
        try
        {
            files = await TarLayoutFiles.OpenAsync(FullPath, Name, ct).ConfigureAwait(false);
        }
        catch (S3loException)
        {
            return (fresh, previous);
        }
        using (files)
        {
            ImageIndex existing;
            try
            {
                await using (var layout = await files.OpenAsync(OciLayout.LayoutFileName, ct).ConfigureAwait(false))
                    OciLayout.CheckLayoutFile(await OciLayout.ReadCappedAsync(layout, OciLayout.MaxLayoutFileBytes, Name, ct).ConfigureAwait(false), Name);
                await using var stream = await files.OpenAsync(OciLayout.IndexFileName, ct).ConfigureAwait(false);
                existing = OciLayout.ParseIndex(await OciLayout.ReadCappedAsync(stream, OciLayout.MaxIndexBytes, Name, ct).ConfigureAwait(false), Name);
            }
            catch (S3loException)
            {
                return (fresh, previous);
            }
            // The resulting index first: only what its entries reach is worth carrying.
            var index = OciLayout.WithEntry(existing, entry, Tag, out previous);
            var reachable = await ReachableBlobs.FindAsync(files, index.Manifests, $"the existing {Name}", ct).ConfigureAwait(false);
            foreach (var name in files.Names.Order(StringComparer.Ordinal))
            {
                if (!name.StartsWith(OciLayout.Sha256Directory + "/", StringComparison.Ordinal)) continue;
                var digest = "sha256:" + name[(OciLayout.Sha256Directory.Length + 1)..];
                if (!Digest.TryParse(digest, out var parsed) || !reachable.Contains(digest) || _written.ContainsKey(digest)) continue;
                var size = (await files.SizeAsync(name, ct).ConfigureAwait(false))!.Value;
                await using var blob = await files.OpenAsync(name, ct).ConfigureAwait(false);
                await WriteEntryAsync(() => _tar!.FileAsync(OciLayout.BlobName(parsed), blob, size, $"blob {digest} of the existing {Name}", ct)).ConfigureAwait(false);
                _written[digest] = 0;
            }
            return (index, previous);
        }
    }

    private async Task PutManifestLockedAsync(ManifestBlob manifest, CancellationToken ct)
    {
        EnsureWritable();
        var digest = manifest.Digest.ToString();
        if (_written.ContainsKey(digest)) return;
        await WriteEntryAsync(() => _tar!.FileAsync(OciLayout.BlobName(manifest.Digest), manifest.Bytes, ct)).ConfigureAwait(false);
        _written[digest] = 0;
    }

    /// <summary>A write into the tar that fails leaves it cut mid-entry: nothing more may be written.</summary>
    private async Task WriteEntryAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _broken ??= e;
            throw;
        }
    }

    private void EnsureWritable()
    {
        if (_output is null && !_committed) throw new InvalidOperationException("PrepareAsync must run before anything is written");
        if (_committed) throw new InvalidOperationException("the archive was committed already");
        if (_broken is { } e) throw new S3loException($"writing {Name} failed earlier: {e.Message}", inner: e);
    }

    public async ValueTask DisposeAsync()
    {
        _gate?.Dispose();
        if (_output is not null) await _output.DisposeAsync().ConfigureAwait(false);
        _output = null;
        if (!_committed && _tar is not null)
        {
            try
            {
                System.IO.File.Delete(TempPath);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
