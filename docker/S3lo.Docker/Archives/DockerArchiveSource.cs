using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Core.TempFiles;

namespace S3lo.Docker.Archives;

/// <summary>
/// <c>docker-archive:FILE[:NAME:TAG]</c> as a transfer source: a <c>docker save</c> tar (classic, or the OCI
/// layout of Docker 25+), read once by <see cref="DockerArchiveReader"/> (layers spooled and hashed, every
/// path, digest and diff ID checked) and presented as the OCI manifest a push builds: config bytes as they
/// are (the image ID is kept), layers as stored in the archive — plain tars as
/// <c>application/vnd.oci.image.layer.v1.tar</c>.
/// </summary>
public sealed class DockerArchiveSource : IImageSource, IFileBlobSource
{
    private readonly string? _repoTag;
    private readonly PlatformSpec? _platform;
    private readonly string _spoolDirectory;
    private readonly Dictionary<string, string> _layerFiles = new(StringComparer.Ordinal);
    private DockerArchiveContents? _contents;
    private ManifestBlob? _root;

    /// <param name="file">The archive.</param>
    /// <param name="repoTag">When given (<c>NAME:TAG</c>), the archive's image must carry this name.</param>
    /// <param name="tempDirectory">Where layers are spooled while the archive is read (a destination's staging directory lets them be moved in).</param>
    /// <param name="platform">For archives holding several platforms (containerd image store), which one.</param>
    public DockerArchiveSource(string file, string? repoTag = null, string? tempDirectory = null, PlatformSpec? platform = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        File = file;
        _repoTag = repoTag;
        _platform = platform;
        _spoolDirectory = PrivateTemp.DirectoryPath(tempDirectory ?? Path.GetTempPath(), "archive");
    }

    public string File { get; }
    public string Name => $"docker-archive:{File}{(_repoTag is null ? "" : ":" + _repoTag)}";

    /// <summary>The names the image was saved under, known after <see cref="GetRootAsync"/>.</summary>
    public IReadOnlyList<string> RepoTags => _contents?.RepoTags ?? [];

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (_root is not null) return _root;
        FileStream archive;
        try
        {
            archive = new FileStream(File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{Name}: no such file");
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(File))
        {
            throw new S3loException($"{Name}: {File} is a directory", "docker-archive: takes the tar file 'docker save' writes");
        }
        await using (archive)
        {
            _contents = await DockerArchiveReader.ReadAsync(archive, _spoolDirectory, new DockerArchiveReadOptions { Platform = _platform, RepoTag = _repoTag }, ct)
                .ConfigureAwait(false);
        }
        if (_repoTag is not null && !_contents.RepoTags.Contains(_repoTag, StringComparer.Ordinal))
            throw new NotFoundException($"{Name}: the archive's image is not named {_repoTag}",
                _contents.RepoTags.Count == 0 ? "it has no name; leave the name out" : $"it is named {string.Join(", ", _contents.RepoTags)}");

        var layers = new List<Descriptor>(_contents.Layers.Count);
        foreach (var layer in _contents.Layers)
        {
            var path = layer.SpoolPath ?? throw new S3loException($"layer {layer.DiffId} is missing from {Name}");
            _layerFiles[layer.BlobDigest.ToString()] = path;
            layers.Add(new Descriptor { MediaType = layer.MediaType, Digest = layer.BlobDigest.ToString(), Size = layer.Size });
        }
        _root = ManifestBlob.FromManifest(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = _contents.ConfigDigest.ToString(), Size = _contents.ConfigBytes.Length },
            Layers = layers,
        });
        return _root;
    }

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new S3loException($"{Name} holds one image, no index");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(IsConfig(descriptor) || (_layerFiles.TryGetValue(descriptor.Digest, out var path) && System.IO.File.Exists(path)));

    /// <summary>Spooled layers were hashed while read: a destination on the same disk may move them in.</summary>
    public string? VerifiedFileFor(Descriptor descriptor) =>
        _layerFiles.TryGetValue(descriptor.Digest, out var path) ? path : null;

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        if (IsConfig(descriptor)) return Task.FromResult<Stream>(new MemoryStream(_contents!.ConfigBytes, writable: false));
        if (!_layerFiles.TryGetValue(descriptor.Digest, out var path))
            throw new NotFoundException($"blob {descriptor.Digest} is not in {Name}");
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    private bool IsConfig(Descriptor descriptor) =>
        _contents is not null && Digest.TryParse(descriptor.Digest, out var d) && d == _contents.ConfigDigest;

    public ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(_spoolDirectory)) Directory.Delete(_spoolDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
