using System.Collections.Concurrent;
using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;
using S3lo.Core.TempFiles;

namespace S3lo.Docker;

/// <summary>
/// An image in the Docker daemon as a transfer source (push). The OCI manifest is built from the
/// daemon's image: config bytes kept exactly (so the image ID survives), uncompressed layers
/// compressed deterministically while the export streams in. Layers the destination already
/// stores (by diff ID) are neither compressed nor uploaded; when it has the config and every
/// layer, the image is not even exported.
/// </summary>
public sealed class DockerImageSource : IImageSource, IFileBlobSource, IEarlyBlobSource
{
    private readonly System.Threading.Channels.Channel<Descriptor> _ready = System.Threading.Channels.Channel.CreateUnbounded<Descriptor>();
    private Dictionary<Digest, CachedLayer> _known = [];
    private readonly DockerClient _client;
    private readonly string _image;
    private readonly ILayerCache _cache;
    private readonly DockerPushOptions _options;
    private readonly string _spoolDirectory;
    private readonly ConcurrentDictionary<string, string> _blobFiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Digest, Task<Descriptor>> _compressed = new();
    private readonly List<NewLayer> _newLayers = [];
    private byte[]? _config;
    private ManifestBlob? _root;

    public DockerImageSource(DockerClient client, string image, ILayerCache cache, DockerPushOptions options)
    {
        _client = client;
        _image = image;
        _cache = cache;
        _options = options;
        _spoolDirectory = PrivateTemp.DirectoryPath(options.TempDirectory, "push");
    }

    public string Name => $"docker-daemon:{_image}";

    /// <summary>The daemon's view of the image, known after <see cref="GetRootAsync"/>.</summary>
    public DockerImageInspect? Inspect { get; private set; }

    /// <summary>True when the image had to be exported (false: everything came from the cache).</summary>
    public bool Exported { get; private set; }

    /// <summary>Layers this push stored; record them in the cache once the push committed.</summary>
    public IReadOnlyList<NewLayer> NewLayers => _newLayers;

    /// <summary>Layers compressed while the export still streams in, for the engine to upload meanwhile.</summary>
    public System.Threading.Channels.ChannelReader<Descriptor> ReadyBlobs => _ready.Reader;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        try
        {
            return await ResolveRootAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _ready.Writer.TryComplete();
        }
    }

    private async Task<ManifestBlob> ResolveRootAsync(CancellationToken ct)
    {
        if (_root is not null) return _root;
        var inspect = await _client.InspectImageAsync(_image, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"image '{_image}' not found in the Docker daemon", "'docker images' lists what is there");
        Inspect = inspect;
        CheckPlatform(inspect);
        var configDigest = Digest.Parse(inspect.Id);
        var diffIds = (inspect.RootFS?.Layers ?? []).Select(Digest.Parse).ToList();

        var known = new Dictionary<Digest, CachedLayer>();
        foreach (var diffId in diffIds.Distinct())
        {
            if (await FindCachedLayerAsync(diffId, ct).ConfigureAwait(false) is { } hit) known[diffId] = hit;
        }
        if (known.Count == diffIds.Distinct().Count() && await _cache.TryReadConfigAsync(configDigest, ct).ConfigureAwait(false) is { } config)
        {
            _config = config;
            _root = BuildManifest(configDigest, config.Length, diffIds.Select(d => known[d].Blob).ToList());
            return _root;
        }
        _root = await FromExportAsync(inspect, configDigest, known, ct).ConfigureAwait(false);
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

    private async Task<CachedLayer?> FindCachedLayerAsync(Digest diffId, CancellationToken ct) =>
        await _cache.FindLayerAsync(diffId, _options.Compression, ct).ConfigureAwait(false)
        // An uncompressed copy is the same layer whatever compression was asked for.
        ?? (_options.Compression != LayerCompression.None
            ? await _cache.FindLayerAsync(diffId, LayerCompression.None, ct).ConfigureAwait(false)
            : null);

    private async Task<ManifestBlob> FromExportAsync(DockerImageInspect inspect, Digest configDigest, Dictionary<Digest, CachedLayer> known, CancellationToken ct)
    {
        Exported = true;
        _known = known;
        PrivateTemp.CreateDirectory(_spoolDirectory);
        // A layer whose tar size matches no stored layer is surely new: compress it while it streams in.
        // Others are only spooled and hashed, and compressed afterwards if they turn out new after all.
        var knownSizes = known.Values.Where(k => k.TarSize is not null).Select(k => k.TarSize!.Value).ToHashSet();
        var readOptions = new DockerArchiveReadOptions
        {
            SkipKnownBlob = known.ContainsKey,
            OpenCopy = start => knownSizes.Contains(start.Size) || LayerMagic.Sniff(start.Head.Span) != LayerCompression.None
                ? null
                : _options.Compression == LayerCompression.None ? new StoringCopy(this, start) : new CompressingCopy(this, start),
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
            layers.Add(await ResolveLayerAsync(layer, known, ct).ConfigureAwait(false));
        _config = contents.ConfigBytes;
        return BuildManifest(configDigest, contents.ConfigBytes.Length, layers);
    }

    private async Task<Descriptor> ResolveLayerAsync(ArchiveLayer layer, Dictionary<Digest, CachedLayer> known, CancellationToken ct)
    {
        if (known.TryGetValue(layer.DiffId, out var cached)) return cached.Blob;
        var compression = MediaTypes.LayerCompressionOf(layer.MediaType) ?? LayerCompression.None;
        Descriptor blob;
        long? tarSize = null;
        if (compression != LayerCompression.None || _options.Compression == LayerCompression.None)
        {
            // Already compressed in the export (containerd store), or stored as is on request.
            blob = new Descriptor { MediaType = MediaTypes.OciLayerFor(compression), Digest = layer.BlobDigest.ToString(), Size = layer.Size };
            if (!_blobFiles.ContainsKey(blob.Digest))
                _blobFiles[blob.Digest] = layer.SpoolPath ?? throw new S3loException($"layer {layer.DiffId} of '{_image}' was not in the export");
            if (compression == LayerCompression.None) tarSize = layer.Size;
        }
        else
        {
            blob = await _compressed.GetOrAdd(layer.BlobDigest, _ => CompressSpoolAsync(layer, ct)).ConfigureAwait(false);
            tarSize = layer.Size;
        }
        _newLayers.Add(new NewLayer(layer.DiffId, blob, tarSize));
        return blob;
    }

    /// <summary>A new layer that was not compressed while streaming (its size looked known): compress the spool.</summary>
    private async Task<Descriptor> CompressSpoolAsync(ArchiveLayer layer, CancellationToken ct)
    {
        var raw = layer.SpoolPath ?? throw new S3loException($"layer {layer.DiffId} of '{_image}' was not in the export");
        var output = raw + ".compressed";
        var blob = await LayerCompressor.CompressFileAsync(raw, output, _options.Compression, ct).ConfigureAwait(false);
        _blobFiles[blob.Digest] = output;
        File.Delete(raw);
        return blob;
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

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_blobFiles.ContainsKey(descriptor.Digest) || IsConfig(descriptor));

    public string? VerifiedFileFor(Descriptor descriptor) =>
        _blobFiles.TryGetValue(descriptor.Digest, out var path) ? path : null;

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        if (IsConfig(descriptor)) return Task.FromResult<Stream>(new MemoryStream(_config!, writable: false));
        if (!_blobFiles.TryGetValue(descriptor.Digest, out var path))
            throw new NotFoundException($"layer {descriptor.Digest} of '{_image}' was expected in the destination but is gone",
                "push again: the layer will be exported and uploaded");
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

    /// <summary>Compresses a layer tar as the archive reader spools it; the result is keyed by the tar's digest.</summary>
    private sealed class CompressingCopy(DockerImageSource owner, SpoolStart start) : ISpoolCopy
    {
        private readonly CompressedBlobWriter _writer = new(start.Path + ".compressed", owner._options.Compression, start.Size);

        public Stream Input => _writer.Input;

        // The compressed file is the blob: the raw tar need not touch the disk.
        public bool ReplacesSpool => true;

        public async Task CompleteAsync(SpooledBlob spooled, CancellationToken ct)
        {
            var blob = await _writer.CompleteAsync(ct).ConfigureAwait(false);
            owner._blobFiles[blob.Digest] = start.Path + ".compressed";
            owner._compressed[spooled.Digest] = Task.FromResult(blob);
            // A new layer (its diff ID is the tar's digest) can go up while the export goes on.
            if (!owner._known.ContainsKey(spooled.Digest)) owner._ready.Writer.TryWrite(blob);
        }

        public ValueTask DisposeAsync() => _writer.DisposeAsync();
    }

    /// <summary>Stores a layer tar as it is (--compression none) as it streams in, and offers it for upload at once.</summary>
    private sealed class StoringCopy : ISpoolCopy
    {
        private readonly DockerImageSource _owner;
        private readonly string _path;
        private readonly FileStream _file;
        private bool _completed;

        public StoringCopy(DockerImageSource owner, SpoolStart start)
        {
            _owner = owner;
            _path = start.Path + ".tar";
            _file = new FileStream(_path, PrivateTemp.NewFile(1 << 20));
        }

        public Stream Input => _file;
        public bool ReplacesSpool => true;

        public async Task CompleteAsync(SpooledBlob spooled, CancellationToken ct)
        {
            await _file.FlushAsync(ct).ConfigureAwait(false);
            _completed = true;
            var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = spooled.Digest.ToString(), Size = spooled.Size };
            _owner._blobFiles[blob.Digest] = _path;
            if (!_owner._known.ContainsKey(spooled.Digest)) _owner._ready.Writer.TryWrite(blob);
        }

        public async ValueTask DisposeAsync()
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            if (!_completed) File.Delete(_path);
        }
    }
}

/// <param name="TarSize">The uncompressed tar's size, when known.</param>
public sealed record NewLayer(Digest DiffId, Descriptor Blob, long? TarSize);
