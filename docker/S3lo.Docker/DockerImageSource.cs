using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Docker;

/// <summary>
/// An image in the Docker daemon as a transfer source (push). The OCI manifest is built from the
/// daemon's image: config bytes kept exactly (so the image ID survives), uncompressed layers
/// compressed deterministically. Layers the destination already stores (by diff ID) are neither
/// compressed nor uploaded; when it has the config and every layer the image is not exported.
/// </summary>
public sealed class DockerImageSource : IImageSource
{
    private readonly DockerClient _client;
    private readonly string _image;
    private readonly ILayerCache _cache;
    private readonly DockerPushOptions _options;
    private readonly string _spoolDirectory;
    private readonly Dictionary<string, string> _blobFiles = new(StringComparer.Ordinal);
    private readonly List<(Digest DiffId, Descriptor Blob)> _newLayers = [];
    private byte[]? _config;
    private ManifestBlob? _root;

    public DockerImageSource(DockerClient client, string image, ILayerCache cache, DockerPushOptions options)
    {
        _client = client;
        _image = image;
        _cache = cache;
        _options = options;
        _spoolDirectory = Path.Combine(options.TempDirectory, "s3lo-push-" + Guid.NewGuid().ToString("N"));
    }

    public string Name => $"docker-daemon:{_image}";

    /// <summary>The daemon's view of the image, known after <see cref="GetRootAsync"/>.</summary>
    public DockerImageInspect? Inspect { get; private set; }

    /// <summary>True when the image had to be exported (false: everything came from the cache).</summary>
    public bool Exported { get; private set; }

    /// <summary>Layers compressed by this push; record them in the cache once the push committed.</summary>
    public IReadOnlyList<(Digest DiffId, Descriptor Blob)> NewLayers => _newLayers;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (_root is not null) return _root;
        var inspect = await _client.InspectImageAsync(_image, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"image '{_image}' not found in the Docker daemon", "'docker images' lists what is there");
        Inspect = inspect;
        CheckPlatform(inspect);
        var configDigest = Digest.Parse(inspect.Id);
        var diffIds = (inspect.RootFS?.Layers ?? []).Select(Digest.Parse).ToList();

        var cached = await FromCacheAsync(configDigest, diffIds, ct).ConfigureAwait(false);
        _root = cached ?? await FromExportAsync(inspect, configDigest, ct).ConfigureAwait(false);
        return _root;
    }

    private void CheckPlatform(DockerImageInspect inspect)
    {
        if (_options.Platform is not { } wanted) return;
        var have = new Platform { Os = inspect.Os ?? "", Architecture = inspect.Architecture ?? "", Variant = inspect.Variant };
        if (!wanted.Matches(have))
            throw new S3loException($"image '{_image}' in the Docker daemon is {have}, not {wanted}",
                $"pull or build it for {wanted} first, or push without --platform");
    }

    private async Task<ManifestBlob?> FromCacheAsync(Digest configDigest, List<Digest> diffIds, CancellationToken ct)
    {
        var config = await _cache.TryReadConfigAsync(configDigest, ct).ConfigureAwait(false);
        if (config is null) return null;
        var layers = new List<Descriptor>();
        foreach (var diffId in diffIds)
        {
            var layer = await FindCachedLayerAsync(diffId, ct).ConfigureAwait(false);
            if (layer is null) return null;
            layers.Add(layer);
        }
        _config = config;
        return BuildManifest(configDigest, config.Length, layers);
    }

    private async Task<Descriptor?> FindCachedLayerAsync(Digest diffId, CancellationToken ct) =>
        await _cache.FindLayerAsync(diffId, _options.Compression, ct).ConfigureAwait(false)
        // An uncompressed copy is the same layer whatever compression was asked for.
        ?? (_options.Compression != LayerCompression.None
            ? await _cache.FindLayerAsync(diffId, LayerCompression.None, ct).ConfigureAwait(false)
            : null);

    private async Task<ManifestBlob> FromExportAsync(DockerImageInspect inspect, Digest configDigest, CancellationToken ct)
    {
        Exported = true;
        Directory.CreateDirectory(_spoolDirectory);
        var known = new Dictionary<Digest, Descriptor>();
        foreach (var diffId in (inspect.RootFS?.Layers ?? []).Select(Digest.Parse).Distinct())
        {
            if (await FindCachedLayerAsync(diffId, ct).ConfigureAwait(false) is { } hit) known[diffId] = hit;
        }

        // Compress each new layer as soon as it is spooled, while the export goes on.
        var compressions = new Dictionary<Digest, Task<Descriptor>>();
        // One layer at a time: each compression already uses every core.
        using var gate = new SemaphoreSlim(1);
        var readOptions = new DockerArchiveReadOptions
        {
            SkipKnownBlob = known.ContainsKey,
            OnBlobSpooled = (blob, token) =>
            {
                if (!known.ContainsKey(blob.Digest) && _options.Compression != LayerCompression.None)
                {
                    lock (compressions) compressions.TryAdd(blob.Digest, CompressAsync(blob.Path, gate, token));
                }
                return Task.CompletedTask;
            },
        };

        DockerArchiveContents contents;
        await using (var export = await _client.ExportImageAsync(inspect.Id, null, ct).ConfigureAwait(false))
        {
            contents = await DockerArchiveReader.ReadAsync(export, _spoolDirectory, readOptions, ct).ConfigureAwait(false);
        }
        if (contents.ConfigDigest != configDigest)
            throw new DigestMismatchException($"config of '{_image}' exported by the daemon", configDigest.ToString(), contents.ConfigDigest.ToString());

        var layers = new List<Descriptor>();
        foreach (var layer in contents.Layers)
            layers.Add(await ResolveLayerAsync(layer, known, compressions, gate, ct).ConfigureAwait(false));
        _config = contents.ConfigBytes;
        return BuildManifest(configDigest, contents.ConfigBytes.Length, layers);
    }

    private async Task<Descriptor> ResolveLayerAsync(ArchiveLayer layer, Dictionary<Digest, Descriptor> known,
        Dictionary<Digest, Task<Descriptor>> compressions, SemaphoreSlim gate, CancellationToken ct)
    {
        if (known.TryGetValue(layer.DiffId, out var cached)) return cached;
        var path = layer.SpoolPath ?? throw new S3loException($"layer {layer.DiffId} of '{_image}' was not in the export");
        var compression = MediaTypes.LayerCompressionOf(layer.MediaType) ?? LayerCompression.None;
        Descriptor blob;
        if (compression != LayerCompression.None || _options.Compression == LayerCompression.None)
        {
            // Already compressed in the export (containerd store), or stored as is on request.
            blob = new Descriptor { MediaType = MediaTypes.OciLayerFor(compression), Digest = layer.BlobDigest.ToString(), Size = layer.Size };
            lock (_blobFiles) _blobFiles[blob.Digest] = path;
        }
        else
        {
            Task<Descriptor> task;
            lock (compressions)
            {
                if (!compressions.TryGetValue(layer.BlobDigest, out task!))
                    compressions[layer.BlobDigest] = task = CompressAsync(path, gate, ct);
            }
            blob = await task.ConfigureAwait(false);
        }
        _newLayers.Add((layer.DiffId, blob));
        return blob;
    }

    private async Task<Descriptor> CompressAsync(string rawPath, SemaphoreSlim gate, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var output = rawPath + ".compressed";
            var (digest, size) = await Task.Run(() => LayerCompressor.CompressFileAsync(rawPath, output, _options.Compression, ct), ct).ConfigureAwait(false);
            // The raw tar is no longer needed: keep disk use near one compressed copy of the image.
            File.Delete(rawPath);
            var blob = new Descriptor { MediaType = MediaTypes.OciLayerFor(_options.Compression), Digest = digest.ToString(), Size = size };
            lock (_blobFiles) _blobFiles[blob.Digest] = output;
            return blob;
        }
        finally
        {
            gate.Release();
        }
    }

    private static ManifestBlob BuildManifest(Digest config, long configSize, List<Descriptor> layers) =>
        ManifestBlob.FromManifest(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.ToString(), Size = configSize },
            Layers = layers,
        });

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new S3loException("a Docker daemon image has no index");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        lock (_blobFiles) return Task.FromResult(_blobFiles.ContainsKey(descriptor.Digest) || IsConfig(descriptor));
    }

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        if (IsConfig(descriptor)) return Task.FromResult<Stream>(new MemoryStream(_config!, writable: false));
        string? path;
        lock (_blobFiles) _blobFiles.TryGetValue(descriptor.Digest, out path);
        if (path is null)
            throw new NotFoundException($"layer {descriptor.Digest} of '{_image}' was expected in the destination but is gone",
                "push again with the daemon image: the layer will be exported and uploaded");
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous));
    }

    private bool IsConfig(Descriptor descriptor) =>
        _config is not null && _root?.Manifest?.Config.Digest == descriptor.Digest;

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
        return ValueTask.CompletedTask;
    }
}
