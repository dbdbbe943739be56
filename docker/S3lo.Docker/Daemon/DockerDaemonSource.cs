using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Daemon;

/// <summary>
/// An image in the Docker daemon as a transfer source (push, <c>copy docker-daemon:IMAGE …</c>): a
/// docker-save export read as <see cref="DockerSaveImage"/>. The daemon tells the config digest and
/// the layer diff IDs cheaply (inspect); when the destination holds the config and every layer, the
/// image is not even exported.
/// </summary>
public sealed class DockerDaemonSource(DockerClient client, string image, PlatformSpec? platform = null) : IImageSource, ILayerTarSource
{
    private LayerEncoder? _encoder;
    private LayerEncoder? _ownEncoder;
    private DockerSaveImage? _image;
    private string? _spoolDirectory;

    public string Name => $"docker-daemon:{image}";

    /// <summary>The daemon's view of the image, known after <see cref="GetRootAsync"/>.</summary>
    public DockerImageInspect? Inspect { get; private set; }

    /// <summary>True when the image had to be exported (false: the destination had every layer).</summary>
    public bool Exported { get; private set; }

    // Once read (say, looked at before the transfer), the image keeps the layers it has.
    public void EncodeLayersWith(LayerEncoder encoder) => _encoder = _image is null ? encoder : _encoder;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (_image is not null) return _image.Root;
        // Read outside a transfer (to look at it): layers stay plain tars, in a temp directory of our own.
        var encoder = _encoder ??= _ownEncoder = LayerEncoder.Plain(Path.GetTempPath());
        var inspect = await client.InspectImageAsync(image, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"image '{image}' not found in the Docker daemon", "'docker images' lists what is there");
        Inspect = inspect;
        CheckPlatform(inspect);
        var configDigest = Digest.Parse(inspect.Id);
        var diffIds = (inspect.RootFS?.Layers ?? []).Select(Digest.Parse).ToList();

        var reusable = new Dictionary<Digest, CachedLayer>();
        foreach (var diffId in diffIds.Distinct())
        {
            if (await encoder.FindReusableAsync(diffId, ct).ConfigureAwait(false) is { } hit) reusable[diffId] = hit;
        }
        if (reusable.Count == diffIds.Distinct().Count() && await encoder.TryReadConfigAsync(configDigest, ct).ConfigureAwait(false) is { } config)
        {
            _image = DockerSaveImage.FromStored(config, configDigest, diffIds.Select(d => reusable[d].Blob).ToList());
            return _image.Root;
        }

        Exported = true;
        _spoolDirectory = PrivateTemp.DirectoryPath(Path.GetDirectoryName(encoder.Directory)!, "export");
        PrivateTemp.CreateDirectory(_spoolDirectory);
        await using (var export = await client.ExportImageAsync(inspect.Id, null, ct).ConfigureAwait(false))
            _image = await DockerSaveImage.ReadAsync(export, _spoolDirectory, encoder, reusable, null, null, ct).ConfigureAwait(false);
        var exported = _image.Root.Manifest!.Config.Digest;
        if (exported != configDigest.ToString())
            throw new DigestMismatchException($"config of '{image}' exported by the daemon", configDigest.ToString(), exported);
        return _image.Root;
    }

    private void CheckPlatform(DockerImageInspect inspect)
    {
        if (platform is not { } wanted) return;
        var have = new Platform { Os = inspect.Os ?? "", Architecture = inspect.Architecture ?? "", Variant = inspect.Variant };
        if (!wanted.Matches(have))
            throw new S3loException($"image '{image}' in the Docker daemon is {have}, not {wanted}",
                $"pull or build it for {wanted} first, or leave --platform out");
    }

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new S3loException("a Docker daemon image has no index");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_image?.Contains(descriptor) == true);

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_image?.Open(descriptor, _encoder!, $"'{image}'") ?? throw new InvalidOperationException("read the root first"));

    public async ValueTask DisposeAsync()
    {
        DeleteQuietly(_spoolDirectory);
        if (_ownEncoder is not null) await _ownEncoder.DisposeAsync().ConfigureAwait(false);
    }

    internal static void DeleteQuietly(string? directory)
    {
        try
        {
            if (directory is not null && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
