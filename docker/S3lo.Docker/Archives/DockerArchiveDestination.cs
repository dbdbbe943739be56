using S3lo.Core.Archives;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Archives;

/// <summary>
/// <c>docker-archive:FILE[:NAME:TAG]</c> as a transfer destination: a classic docker-archive that
/// <c>docker load</c> takes (Docker 20.10 and later), written by <see cref="DockerArchiveImageWriter"/>
/// (one platform; plain and gzip layers only, the engine decodes zstd; blobs arriving meanwhile spooled
/// next to the file) with RepoTags from the name the caller gives. Written to a temp file of its own next
/// to FILE and renamed to FILE only once complete: a failed copy leaves no file at FILE. The commit holds
/// FILE's lock and keeps the images a docker-archive at FILE already holds (see
/// <see cref="DockerArchiveCarryOver"/>), so concurrent copies of different tags to one FILE lose none.
/// </summary>
public sealed class DockerArchiveDestination : IImageDestination
{
    private const int BufferSize = 1 << 20;

    private readonly string? _repoTag;
    private readonly string _fullPath;
    private FileStream? _output;
    private DockerArchiveImageWriter? _writer;
    private bool _committed;

    /// <param name="file">The archive to write.</param>
    /// <param name="repoTag"><c>NAME:TAG</c> the image gets when loaded; null loads it untagged (by image ID).</param>
    public DockerArchiveDestination(string file, string? repoTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        File = file;
        _repoTag = repoTag;
        _fullPath = Path.GetFullPath(file);
        TempPath = ArchiveTemp.NewTempPath(_fullPath);
    }

    public LayerFormats Layers => LayerFormats.DockerArchive;

    public string File { get; }
    public string Name => $"docker-archive:{File}{(_repoTag is null ? "" : ":" + _repoTag)}";

    /// <summary>Where the archive is written until it is complete.</summary>
    public string TempPath { get; }

    public Task PrepareAsync(TransferPlan plan, CancellationToken ct)
    {
        if (_output is not null) throw new InvalidOperationException("PrepareAsync was called already");
        var image = LoadableImage.From(plan, Name);
        var directory = Path.GetDirectoryName(_fullPath)!;
        if (!Directory.Exists(directory))
            throw new NotFoundException($"{Name}: the directory {directory} does not exist", "create it first, or write the archive somewhere else");
        if (Directory.Exists(_fullPath))
            throw new S3loException($"{Name}: {_fullPath} is a directory", "docker-archive: writes a tar file");
        ArchiveTemp.RemoveStale(_fullPath);
        // CreateNew: a name planted meanwhile (even a symlink) makes this fail, it is never opened.
        _output = new FileStream(TempPath, PrivateTemp.NewFile(BufferSize));
        _writer = new DockerArchiveImageWriter(image, _output, directory, ArchiveTemp.SpoolPrefix(_fullPath), Name);
        return Task.CompletedTask;
    }

    /// <summary>The archive starts empty: nothing is there but what this transfer wrote.</summary>
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_writer?.Holds(descriptor) ?? false);

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct) =>
        Writer().PutBlobAsync(descriptor, content, ct);

    /// <summary>A docker-archive has no index: child manifests have nowhere to go.</summary>
    public Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct) => Task.CompletedTask;

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        var writer = Writer();
        writer.ThrowIfIncomplete();
        using (await FileLock.AcquireAsync(ArchiveTemp.LockPath(_fullPath), Name, ct).ConfigureAwait(false))
        {
            await writer.CompleteAsync(_repoTag, (archive, token) => DockerArchiveCarryOver.AppendAsync(_fullPath, archive, _repoTag, token), ct).ConfigureAwait(false);
            await _output!.FlushAsync(ct).ConfigureAwait(false);
            _output.Flush(flushToDisk: true);
            await _output.DisposeAsync().ConfigureAwait(false);
            _output = null;
            PrivateTemp.MakeReadableLike(TempPath, Path.GetDirectoryName(_fullPath)!);
            System.IO.File.Move(TempPath, _fullPath, overwrite: true);
            _committed = true;
        }
        return new CommitResult(root.Digest, null, Unchanged: false);
    }

    private DockerArchiveImageWriter Writer()
    {
        if (_committed) throw new InvalidOperationException("the archive was committed already");
        return _writer ?? throw new InvalidOperationException("PrepareAsync must run before anything is written");
    }

    public async ValueTask DisposeAsync()
    {
        _writer?.Dispose();
        if (_output is not null) await _output.DisposeAsync().ConfigureAwait(false);
        _output = null;
        if (!_committed && _writer is not null) TryDelete(TempPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
