using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// A transfer source that is one <c>docker save</c> tar read once as <see cref="DockerSaveImage"/>: the
/// daemon's export or a docker-archive file. Subclasses say where the tar comes from; the layers it
/// holds are encoded by the engine's <see cref="LayerEncoder"/>.
/// </summary>
public abstract class DockerSaveSource : IImageSource, ILayerTarSource
{
    private LayerEncoder? _encoder;
    private LayerEncoder? _ownEncoder;
    private DockerSaveImage? _image;
    private string? _spoolDirectory;

    public abstract string Name { get; }

    // Once read (say, looked at before the transfer), the image keeps the layers it has.
    public void EncodeLayersWith(LayerEncoder encoder) => _encoder = _image is null ? encoder : _encoder;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (_image is not null) return _image.Root;
        // Read outside a transfer (to look at it): layers stay plain tars, in a temp directory of our own.
        var encoder = _encoder ??= _ownEncoder = LayerEncoder.Plain(Path.GetTempPath());
        _image = await ReadImageAsync(encoder, ct).ConfigureAwait(false);
        return _image.Root;
    }

    /// <summary>Reads the image, streaming its new layer tars into <paramref name="encoder"/>.</summary>
    private protected abstract Task<DockerSaveImage> ReadImageAsync(LayerEncoder encoder, CancellationToken ct);

    /// <summary>Reads a save tar, spooling what is not encoded next to the encoder's files (same file system).</summary>
    private protected Task<DockerSaveImage> ReadSaveAsync(Stream save, LayerEncoder encoder, IReadOnlyDictionary<Core.Digests.Digest, CachedLayer> reusable,
        PlatformSpec? platform, string? repoTag, CancellationToken ct)
    {
        _spoolDirectory = PrivateTemp.DirectoryPath(Path.GetDirectoryName(encoder.Directory)!, "save");
        PrivateTemp.CreateDirectory(_spoolDirectory);
        return DockerSaveImage.ReadAsync(save, _spoolDirectory, encoder, reusable, platform, repoTag, ct);
    }

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new S3loException($"{Name} holds one image, no index");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_image?.Contains(descriptor) == true);

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_image?.Open(descriptor, _encoder!, Name) ?? throw new InvalidOperationException("read the root first"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_spoolDirectory is not null && Directory.Exists(_spoolDirectory)) Directory.Delete(_spoolDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        if (_ownEncoder is not null) await _ownEncoder.DisposeAsync().ConfigureAwait(false);
    }
}
