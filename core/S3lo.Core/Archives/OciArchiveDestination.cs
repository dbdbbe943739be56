using System.Collections.Concurrent;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Archives;

/// <summary>
/// <c>oci-archive:FILE[:TAG]</c> as a transfer destination: a tar of an OCI image layout written in one
/// pass. oci-layout first, blobs in the order they arrive (one at a time; blobs arriving meanwhile are
/// spooled next to the file), manifests, then index.json on commit. Everything goes to FILE.tmp, renamed
/// to FILE only once complete: a failed copy leaves no file at FILE. An existing FILE is replaced (the
/// archive holds this one image), as with skopeo. Entries are deterministic (mtime 0, uid/gid 0, 0644).
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
        TempPath = FullPath + ".tmp";
    }

    public string File { get; }
    public string? Tag { get; }
    public string Name => $"oci-archive:{File}{(Tag is null ? "" : ":" + Tag)}";
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
        // A leftover FILE.tmp (a killed copy) is removed, never opened: it could be a symlink to anywhere.
        System.IO.File.Delete(TempPath);
        _output = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, OutputBufferSize, FileOptions.Asynchronous);
        _tar = new TarEntryWriter(_output);
        _gate = new SequentialWriteGate(directory, $".{Path.GetFileName(FullPath)}.s3lo-");
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
        await _gate!.RunExclusiveAsync(async token =>
        {
            await PutManifestLockedAsync(root, token).ConfigureAwait(false);
            var index = OciLayout.WithEntry(null, OciLayout.EntryFor(root, Tag), Tag, out _);
            await WriteEntryAsync(() => _tar!.FileAsync(OciLayout.IndexFileName, OciLayout.SerializeIndex(index), token)).ConfigureAwait(false);
            await WriteEntryAsync(() => _tar!.EndAsync(token)).ConfigureAwait(false);
            await _output!.FlushAsync(token).ConfigureAwait(false);
            _output.Flush(flushToDisk: true);
            await _output.DisposeAsync().ConfigureAwait(false);
            _output = null;
            System.IO.File.Move(TempPath, FullPath, overwrite: true);
            _committed = true;
        }, ct).ConfigureAwait(false);
        return new CommitResult(root.Digest, null, Unchanged: false);
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
