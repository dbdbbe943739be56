using System.Collections.Concurrent;
using System.Threading.Channels;
using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;

namespace S3lo.Core.Transfer;

/// <summary>
/// The engine's side of an image built from plain layer tars (see <see cref="ILayerTarSource"/>): it
/// encodes each tar the way the destination wants (<see cref="LayerFormats.Preferred"/>) into a file
/// hashed as it is written, and offers it for upload at once, while the source still reads. A layer
/// the destination's layer cache maps to a blob the destination holds is reused instead.
/// </summary>
public sealed class LayerEncoder : IAsyncDisposable
{
    private readonly IImageDestination? _destination;
    private readonly LayerFormats _formats;
    private readonly ILayerCache? _cache;
    private readonly Channel<Descriptor> _ready = Channel.CreateUnbounded<Descriptor>();
    private readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Digest, Lazy<Task<CachedLayer?>>> _reusable = new();
    private readonly ConcurrentDictionary<Digest, Descriptor> _encodedByTar = new();
    private readonly ConcurrentBag<ProvenLayer> _layers = [];
    private readonly object _directoryGate = new();
    private bool _directoryCreated;

    internal LayerEncoder(IImageDestination destination, string workDirectory, ITransferObserver observer)
    {
        _destination = destination;
        Observer = observer;
        _formats = destination.Layers;
        _cache = destination.LayerCache;
        Directory = workDirectory;
    }

    private LayerEncoder(string workDirectory)
    {
        _formats = LayerFormats.Stored(LayerCompression.None);
        Directory = workDirectory;
    }

    /// <summary>For reading a source outside a transfer (to look at it): layers are kept as plain tars, nothing is reused.</summary>
    public static LayerEncoder Plain(string parentDirectory) => new(PrivateTemp.DirectoryPath(parentDirectory, "read"));

    /// <summary>Where exporting and compressing a layer are reported.</summary>
    public ITransferObserver Observer { get; } = NullTransferObserver.Instance;

    /// <summary>How new layers are stored.</summary>
    public LayerCompression Compression => _formats.Preferred;

    /// <summary>Where encoded layers are written: next to the destination when it can move files in.</summary>
    public string Directory { get; }

    /// <summary>The blob the destination already holds for a layer tar, per its layer cache; null when the layer must be encoded.</summary>
    public Task<CachedLayer?> FindReusableAsync(Digest diffId, CancellationToken ct) =>
        _reusable.GetOrAdd(diffId, d => new Lazy<Task<CachedLayer?>>(() => LookUpAsync(d, ct))).Value;

    /// <summary>The config's bytes when the destination holds them (an image it has every layer of needs no export).</summary>
    public Task<byte[]?> TryReadConfigAsync(Digest config, CancellationToken ct) =>
        _cache?.TryReadConfigAsync(config, ct) ?? Task.FromResult<byte[]?>(null);

    /// <summary>
    /// Starts encoding a layer tar of exactly <paramref name="tarSize"/> bytes as it streams in; <paramref name="name"/>
    /// (a digest the source knows the layer by, such as its archive entry's) names it in progress until it is encoded.
    /// </summary>
    public LayerEncoding Begin(long tarSize, string? name = null)
    {
        var path = NewPath();
        var exported = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = name ?? Path.GetFileNameWithoutExtension(path), Size = tarSize };
        Observer.BlobPhase(exported, TransferPhase.Exporting);
        return new LayerEncoding(this, new CompressedBlobWriter(path, Compression, tarSize), path, tarSize, exported);
    }

    /// <summary>Encodes a tar already on disk (it looked known while streaming, and was not); the tar file is consumed.</summary>
    public async Task<Descriptor> EncodeFileAsync(string tarPath, Digest diffId, CancellationToken ct)
    {
        if (_encodedByTar.TryGetValue(diffId, out var done)) return done;
        var tarSize = new FileInfo(tarPath).Length;
        var path = NewPath();
        var tar = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = diffId.ToString(), Size = tarSize };
        Descriptor blob;
        if (Compression == LayerCompression.None)
        {
            File.Move(tarPath, path);
            blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = diffId.ToString(), Size = tarSize };
        }
        else
        {
            Observer.BlobPhase(tar, TransferPhase.Compressing);
            blob = await LayerCompressor.CompressFileAsync(tarPath, path, Compression, ct).ConfigureAwait(false);
            File.Delete(tarPath);
            Observer.BlobProgress(tar, tarSize);
            Observer.BlobCompleted(tar);
        }
        Add(diffId, tarSize, blob, path, offer: false);
        return blob;
    }

    /// <summary>A layer the source hands over as it was stored (compressed already), with the diff ID it checked.</summary>
    public void RecordPassedThrough(Digest diffId, Descriptor blob) => _layers.Add(new ProvenLayer(diffId, blob, null));

    internal ChannelReader<Descriptor> ReadyBlobs => _ready.Reader;

    internal void SourceFinished() => _ready.Writer.TryComplete();

    /// <summary>The file holding a layer encoded here (hashed as written); null for any other blob.</summary>
    public string? FileFor(string digest) => _files.GetValueOrDefault(digest);

    /// <summary>The layers of this transfer and their blobs, for the layer cache once the image is committed.</summary>
    internal IEnumerable<ProvenLayer> Layers => _layers;

    internal void Add(Digest diffId, long tarSize, Descriptor blob, string path, bool offer)
    {
        _files[blob.Digest] = path;
        _encodedByTar[diffId] = blob;
        _layers.Add(new ProvenLayer(diffId, blob, tarSize));
        if (offer) _ready.Writer.TryWrite(blob);
    }

    private async Task<CachedLayer?> LookUpAsync(Digest diffId, CancellationToken ct)
    {
        if (_cache is null || _destination is null) return null;
        var hit = await _cache.FindLayerAsync(diffId, Compression, ct).ConfigureAwait(false)
            // A plain copy is the same layer whatever compression is wanted.
            ?? (Compression != LayerCompression.None ? await _cache.FindLayerAsync(diffId, LayerCompression.None, ct).ConfigureAwait(false) : null);
        if (hit is null || !_formats.Accepts(MediaTypes.LayerCompressionOf(hit.Blob.MediaType) ?? LayerCompression.None)) return null;
        // The index may outlive a blob (a delete, a clean): reuse only what is there.
        return await _destination.HasBlobAsync(hit.Blob, ct).ConfigureAwait(false) ? hit : null;
    }

    private string NewPath()
    {
        lock (_directoryGate)
        {
            if (!_directoryCreated) PrivateTemp.CreateDirectory(Directory);
            _directoryCreated = true;
        }
        return Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".layer");
    }

    public ValueTask DisposeAsync()
    {
        _ready.Writer.TryComplete();
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        return ValueTask.CompletedTask;
    }
}
