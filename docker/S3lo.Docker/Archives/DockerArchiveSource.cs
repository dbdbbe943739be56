using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;
using S3lo.Docker.Daemon;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Archives;

/// <summary>
/// <c>docker-archive:FILE[:NAME:TAG]</c> as a transfer source: a <c>docker save</c> tar (classic, or the OCI
/// layout of Docker 25+) read once as <see cref="DockerSaveImage"/> — every path, digest and diff ID
/// checked, plain layers encoded as the destination wants them, exactly as a push of the same image.
/// </summary>
public sealed class DockerArchiveSource : IImageSource, ILayerTarSource
{
    private readonly string? _repoTag;
    private readonly PlatformSpec? _platform;
    private LayerEncoder? _encoder;
    private LayerEncoder? _ownEncoder;
    private DockerSaveImage? _image;
    private string? _spoolDirectory;

    /// <param name="file">The archive.</param>
    /// <param name="repoTag">When given (<c>NAME:TAG</c>), the archive's image must carry this name.</param>
    /// <param name="platform">For archives holding several platforms (containerd image store), which one.</param>
    public DockerArchiveSource(string file, string? repoTag = null, PlatformSpec? platform = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        File = file;
        _repoTag = repoTag;
        _platform = platform;
    }

    public string File { get; }
    public string Name => $"docker-archive:{File}{(_repoTag is null ? "" : ":" + _repoTag)}";

    /// <summary>The names the image was saved under, known after <see cref="GetRootAsync"/>.</summary>
    public IReadOnlyList<string> RepoTags => _image?.RepoTags ?? [];

    // Once read (say, looked at before the transfer), the image keeps the layers it has.
    public void EncodeLayersWith(LayerEncoder encoder) => _encoder = _image is null ? encoder : _encoder;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (_image is not null) return _image.Root;
        // Read outside a transfer (to look at it): layers stay plain tars, in a temp directory of our own.
        var encoder = _encoder ??= _ownEncoder = LayerEncoder.Plain(Path.GetTempPath());
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
        _spoolDirectory = PrivateTemp.DirectoryPath(Path.GetDirectoryName(encoder.Directory)!, "archive");
        PrivateTemp.CreateDirectory(_spoolDirectory);
        await using (archive)
            _image = await DockerSaveImage.ReadAsync(archive, _spoolDirectory, encoder, new Dictionary<Core.Digests.Digest, CachedLayer>(), _platform, _repoTag, ct)
                .ConfigureAwait(false);
        if (_repoTag is not null && !_image.RepoTags.Contains(_repoTag, StringComparer.Ordinal))
            throw new NotFoundException($"{Name}: the archive's image is not named {_repoTag}",
                _image.RepoTags.Count == 0 ? "it has no name; leave the name out" : $"it is named {string.Join(", ", _image.RepoTags)}");
        return _image.Root;
    }

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new S3loException($"{Name} holds one image, no index");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_image?.Contains(descriptor) == true);

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_image?.Open(descriptor, _encoder!, Name) ?? throw new InvalidOperationException("read the root first"));

    public async ValueTask DisposeAsync()
    {
        DockerDaemonSource.DeleteQuietly(_spoolDirectory);
        if (_ownEncoder is not null) await _ownEncoder.DisposeAsync().ConfigureAwait(false);
    }
}
