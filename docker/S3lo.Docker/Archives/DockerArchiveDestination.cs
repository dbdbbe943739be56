using System.Collections.Concurrent;
using S3lo.Core.Archives;
using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;
using ZstdSharp;

namespace S3lo.Docker.Archives;

/// <summary>
/// <c>docker-archive:FILE[:NAME:TAG]</c> as a transfer destination: a classic docker-archive that
/// <c>docker load</c> takes (Docker 20.10 and later). One platform only: an index must be narrowed with
/// --platform. Blobs go into the tar as they arrive (blobs arriving meanwhile are spooled next to the
/// file); zstd layers are decompressed first, since Docker 20.10 loads gzip layers but not zstd ones;
/// manifest.json comes last, with RepoTags from the name the caller gives. Written to a temp file of its own
/// next to FILE and renamed to FILE only once complete: a failed copy leaves no file at FILE. The commit
/// holds FILE's lock and keeps the images a docker-archive at FILE already holds (see
/// <see cref="DockerArchiveCarryOver"/>), so concurrent copies of different tags to one FILE lose none.
/// zstd layers are decompressed to a temp file that stops at <see cref="DecompressionLimit"/>.
/// </summary>
public sealed class DockerArchiveDestination : IImageDestination
{
    private const string DockerUncompressedLayer = "application/vnd.docker.image.rootfs.diff.tar";
    private const int BufferSize = 1 << 20;

    private readonly string? _repoTag;
    private readonly string _fullPath;
    private readonly ConcurrentDictionary<string, byte> _written = new(StringComparer.Ordinal);
    private readonly HashSet<string> _imageBlobs = new(StringComparer.Ordinal);
    private FileStream? _output;
    private DockerArchiveWriter? _writer;
    private SequentialWriteGate? _gate;
    private Descriptor? _config;
    private List<Digest> _layerOrder = [];
    private string _spoolDirectory = "";
    private Exception? _broken;
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
        var images = plan.Images.Where(i => !i.IsAttestation).ToList();
        if (images.Count != 1 || images[0].Manifest.Manifest is not { } manifest)
        {
            var platforms = images.Select(i => i.Platform?.ToString()).Where(p => p is not null).Distinct().ToList();
            throw new S3loException($"a docker-archive holds one image, and this one has {images.Count} platforms{(platforms.Count > 0 ? $" ({string.Join(", ", platforms)})" : "")}",
                "pick one with --platform, e.g. --platform linux/amd64");
        }
        foreach (var layer in manifest.Layers) CheckLoadable(layer);
        _config = manifest.Config;
        if (!MediaTypes.IsImageConfig(_config.MediaType))
            throw new S3loException($"{Name}: the image's config has media type '{_config.MediaType}', which the Docker daemon cannot load");
        if (_config.Size is < 0 or > OciJson.MaxDocumentBytes)
            throw new S3loException($"config {_config.Digest} is {_config.Size} bytes, over the {OciJson.MaxDocumentBytes}-byte limit");
        _imageBlobs.Add(_config.Digest);
        foreach (var layer in manifest.Layers) _imageBlobs.Add(layer.Digest);
        _layerOrder = manifest.Layers.Select(l => Digest.Parse(l.Digest)).ToList();

        var directory = Path.GetDirectoryName(_fullPath)!;
        if (!Directory.Exists(directory))
            throw new NotFoundException($"{Name}: the directory {directory} does not exist", "create it first, or write the archive somewhere else");
        if (Directory.Exists(_fullPath))
            throw new S3loException($"{Name}: {_fullPath} is a directory", "docker-archive: writes a tar file");
        _spoolDirectory = directory;
        ArchiveTemp.RemoveStale(_fullPath);
        // CreateNew: a name planted meanwhile (even a symlink) makes this fail, it is never opened.
        _output = new FileStream(TempPath, PrivateTemp.NewFile(BufferSize));
        _writer = new DockerArchiveWriter(_output);
        _gate = new SequentialWriteGate(directory, ArchiveTemp.SpoolPrefix(_fullPath));
        return Task.CompletedTask;
    }

    /// <summary>The archive starts empty: nothing is there but what this transfer wrote.</summary>
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_written.ContainsKey(descriptor.Digest));

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        EnsureWritable();
        if (!_imageBlobs.Contains(descriptor.Digest) || _written.ContainsKey(descriptor.Digest))
        {
            // Attestations and other platforms have no place in a docker-archive: read (verified), not stored.
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }
        var digest = Digest.Parse(descriptor.Digest);
        if (descriptor.Digest == _config!.Digest)
        {
            var config = new byte[descriptor.Size];
            await content.ReadExactlyAsync(config, ct).ConfigureAwait(false);
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false); // the end of the stream is where it verifies
            await _gate!.RunExclusiveAsync(token => WriteEntryAsync(descriptor, () => _writer!.WriteConfigAsync(config, token)), ct).ConfigureAwait(false);
            return;
        }
        if (MediaTypes.LayerCompressionOf(descriptor.MediaType) == LayerCompression.Zstd)
        {
            await PutZstdLayerAsync(descriptor, digest, content, ct).ConfigureAwait(false);
            return;
        }
        await _gate!.WriteAsync(content, (stream, token) =>
            WriteEntryAsync(descriptor, () => _writer!.WriteLayerAsync(digest, stream, descriptor.Size, token)), ct).ConfigureAwait(false);
    }

    /// <summary>The tar header needs the plain size, so a zstd layer is decompressed to a temp file before its turn.</summary>
    private async Task PutZstdLayerAsync(Descriptor descriptor, Digest digest, Stream content, CancellationToken ct)
    {
        var path = Path.Combine(_spoolDirectory, $"{ArchiveTemp.SpoolPrefix(_fullPath)}{Guid.NewGuid():N}.tar");
        try
        {
            await using (var file = new FileStream(path, PrivateTemp.NewFile(BufferSize)))
            await using (var zstd = new DecompressionStream(content, leaveOpen: true))
                await DecompressionLimit.CopyAsync(zstd, file, DecompressionLimit.For(descriptor), $"zstd layer {descriptor.Digest}", ct).ConfigureAwait(false);
            // The decoder may stop at the frame's end: reading on to the end is what verifies the digest.
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            await _gate!.RunExclusiveAsync(async token =>
            {
                await using var tar = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await WriteEntryAsync(descriptor, () => _writer!.WriteLayerAsync(digest, tar, tar.Length, token)).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(path);
        }
    }

    /// <summary>A docker-archive has no index: child manifests have nowhere to go.</summary>
    public Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct) => Task.CompletedTask;

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        EnsureWritable();
        var missing = _imageBlobs.FirstOrDefault(d => !_written.ContainsKey(d));
        if (missing is not null) throw new S3loException($"blob {missing} never reached {Name}; the archive was not written");
        await _gate!.RunExclusiveAsync(async token =>
        {
            using var fileLock = await FileLock.AcquireAsync(ArchiveTemp.LockPath(_fullPath), Name, token).ConfigureAwait(false);
            try
            {
                var configPath = $"{Digest.Parse(_config!.Digest).Hex}.json";
                var written = new HashSet<string>(_layerOrder.Select(d => $"{d.Hex}/layer.tar").Append(configPath), StringComparer.Ordinal);
                var others = await DockerArchiveCarryOver.AppendAsync(_fullPath, _writer!, written, _repoTag, configPath, token).ConfigureAwait(false);
                await _writer!.WriteManifestAsync(_repoTag, _layerOrder, others, token).ConfigureAwait(false);
                await _writer.CompleteAsync(token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _broken ??= e;
                throw;
            }
            await _output!.FlushAsync(token).ConfigureAwait(false);
            _output.Flush(flushToDisk: true);
            await _output.DisposeAsync().ConfigureAwait(false);
            _output = null;
            PrivateTemp.MakeReadableLike(TempPath, _spoolDirectory);
            System.IO.File.Move(TempPath, _fullPath, overwrite: true);
            _committed = true;
        }, ct).ConfigureAwait(false);
        return new CommitResult(root.Digest, null, Unchanged: false);
    }

    private async Task WriteEntryAsync(Descriptor descriptor, Func<Task> write)
    {
        EnsureWritable();
        if (_written.ContainsKey(descriptor.Digest)) return;
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Cut mid-entry: the tar can take nothing more.
            _broken ??= e;
            throw;
        }
        _written[descriptor.Digest] = 0;
    }

    private static void CheckLoadable(Descriptor layer)
    {
        if (layer.Urls is { Count: > 0 } && layer.MediaType.Contains("foreign", StringComparison.Ordinal))
            throw new S3loException($"layer {layer.Digest} is a foreign layer (stored elsewhere), which a docker-archive cannot carry");
        if (MediaTypes.LayerCompressionOf(layer.MediaType) is null && layer.MediaType != DockerUncompressedLayer)
            throw new S3loException($"layer {layer.Digest} has media type '{layer.MediaType}', which the Docker daemon cannot load");
        Digest.Parse(layer.Digest);
    }

    private void EnsureWritable()
    {
        if (_committed) throw new InvalidOperationException("the archive was committed already");
        if (_output is null) throw new InvalidOperationException("PrepareAsync must run before anything is written");
        if (_broken is { } e) throw new S3loException($"writing {Name} failed earlier: {e.Message}", inner: e);
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

    public async ValueTask DisposeAsync()
    {
        _gate?.Dispose();
        if (_output is not null) await _output.DisposeAsync().ConfigureAwait(false);
        _output = null;
        if (!_committed && _writer is not null) TryDelete(TempPath);
    }
}
