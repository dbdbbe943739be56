using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;

namespace S3lo.Core.Transfer;

/// <summary>
/// How the layers of a one-image transfer reach a destination that prefers plain tars or cannot take
/// how a layer is stored (<see cref="LayerFormats"/>: the Docker daemon, a docker-archive). A layer
/// whose tar size the source's layer cache knows is decoded in the stream; one that must be decoded
/// without it goes through a temp file first (a tar header needs the size up front); the rest arrive
/// as stored. The destination is given the image as it will arrive.
/// </summary>
internal sealed class LayerDelivery : IAsyncDisposable
{
    private readonly Dictionary<string, DecodedLayer> _decoded = new(StringComparer.Ordinal);
    private readonly List<ProvenLayer> _passedThrough = [];
    private string? _directory;

    private LayerDelivery(PlatformSelector.Selection selection)
    {
        Root = selection.Root;
        Images = selection.Images;
    }

    /// <summary>The root the destination commits: the source's, or its one image with decoded layers.</summary>
    public ManifestBlob Root { get; private set; }

    public IReadOnlyList<PlannedImage> Images { get; private set; }

    /// <summary>Layers decoded here: each diff ID is proven to belong to its stored blob.</summary>
    public IEnumerable<ProvenLayer> Decoded =>
        _decoded.Values.Select(d => new ProvenLayer(Digest.Parse(d.Delivered.Digest), d.Original, d.Delivered.Size));

    /// <summary>Layers that arrive as stored, with the diff ID the config gives them (for a destination that checks it).</summary>
    public IReadOnlyList<ProvenLayer> PassedThrough => _passedThrough;

    public bool TryGetDecoded(string deliveredDigest, out DecodedLayer decoded) => _decoded.TryGetValue(deliveredDigest, out decoded!);

    public static async Task<LayerDelivery> PlanAsync(IImageSource source, IImageDestination destination, PlatformSelector.Selection selection, CancellationToken ct)
    {
        var delivery = new LayerDelivery(selection);
        var images = selection.Images.Where(i => !i.IsAttestation).ToList();
        if (images.Count != 1 || images[0].Manifest.Manifest is not { } manifest) return delivery;
        var formats = destination.Layers;
        bool Decodes(Descriptor layer) => MediaTypes.LayerCompressionOf(layer.MediaType) is { } c && c != LayerCompression.None
            && (formats.DecodesStored || !formats.Accepts(c));
        if (!destination.ChecksDiffIds && !manifest.Layers.Any(Decodes)) return delivery;

        var diffIds = await ReadDiffIdsAsync(source, manifest, ct).ConfigureAwait(false);
        var layers = new List<Descriptor>(manifest.Layers.Count);
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var layer = manifest.Layers[i];
            var diffId = diffIds?[i];
            var compression = MediaTypes.LayerCompressionOf(layer.MediaType);
            if (!Decodes(layer) || compression is not { } c)
            {
                if (diffId is { } id && compression is not null) delivery._passedThrough.Add(new ProvenLayer(id, layer, null));
                layers.Add(layer);
                continue;
            }
            var tarSize = diffId is { } known ? await TarSizeAsync(source.LayerCache, known, c, layer, ct).ConfigureAwait(false) : null;
            if (tarSize is not null)
                layers.Add(delivery.Add(new DecodedLayer(layer, PlainLayer(diffId!.Value, tarSize.Value), c, File: null)));
            else if (!formats.Accepts(c))
                layers.Add(delivery.Add(await delivery.DecodeToFileAsync(source, layer, c, diffId, ct).ConfigureAwait(false)));
            else
            {
                if (diffId is { } id) delivery._passedThrough.Add(new ProvenLayer(id, layer, null));
                layers.Add(layer);
            }
        }
        if (delivery._decoded.Count == 0) return delivery;

        var image = images[0];
        var rewritten = ManifestBlob.FromManifest(manifest with { Layers = layers });
        delivery.Images = selection.Images.Select(i => ReferenceEquals(i, image) ? i with { Manifest = rewritten } : i).ToList();
        // An index root names the stored image; destinations that take plain tars keep no index.
        if (ReferenceEquals(selection.Root, image.Manifest)) delivery.Root = rewritten;
        return delivery;
    }

    private Descriptor Add(DecodedLayer decoded)
    {
        _decoded[decoded.Delivered.Digest] = decoded;
        return decoded.Delivered;
    }

    private static Descriptor PlainLayer(Digest diffId, long size) =>
        new() { MediaType = MediaTypes.OciLayer, Digest = diffId.ToString(), Size = size };

    /// <summary>The tar size the cache recorded for exactly this blob.</summary>
    private static async Task<long?> TarSizeAsync(ILayerCache? cache, Digest diffId, LayerCompression compression, Descriptor blob, CancellationToken ct)
    {
        if (cache is null) return null;
        var hit = await cache.FindLayerAsync(diffId, compression, ct).ConfigureAwait(false);
        return hit is { TarSize: { } size } && hit.Blob.Digest == blob.Digest ? size : null;
    }

    private async Task<DecodedLayer> DecodeToFileAsync(IImageSource source, Descriptor layer, LayerCompression compression, Digest? diffId, CancellationToken ct)
    {
        _directory ??= PrivateTemp.CreateDirectory(PrivateTemp.DirectoryPath(Path.GetTempPath(), "decode")).FullName;
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".tar");
        var what = $"{compression.ToString().ToLowerInvariant()} layer {layer.Digest}";
        Descriptor plain;
        await using (var writer = new CompressedBlobWriter(path, LayerCompression.None, 0))
        {
            var stored = new VerifyingReadStream(await source.OpenBlobAsync(layer, ct).ConfigureAwait(false), Digest.Parse(layer.Digest), layer.Size, $"layer {layer.Digest}");
            await using (var decoded = new DecodedReadStream(stored, compression))
                await DecompressionLimit.CopyAsync(decoded, writer.Input, DecompressionLimit.For(layer), what, ct).ConfigureAwait(false);
            plain = await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
        if (diffId is { } expected && plain.Digest != expected.ToString())
            throw new Errors.DigestMismatchException($"the plain tar of {what} (its diff ID)", expected.ToString(), plain.Digest);
        return new DecodedLayer(layer, PlainLayer(Digest.Parse(plain.Digest), plain.Size), compression, path);
    }

    /// <summary>The config's diff IDs, one per layer; null when the config is not an image config or does not match.</summary>
    private static async Task<IReadOnlyList<Digest>?> ReadDiffIdsAsync(IImageSource source, ImageManifest manifest, CancellationToken ct)
    {
        var diffIds = (await ConfigBlob.ReadAsync(source, manifest.Config, ct).ConfigureAwait(false))?.RootFs?.DiffIds ?? [];
        if (diffIds.Count != manifest.Layers.Count) return null;
        var parsed = new List<Digest>(diffIds.Count);
        foreach (var text in diffIds)
        {
            if (!Digest.TryParse(text, out var d)) return null;
            parsed.Add(d);
        }
        return parsed;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (_directory is not null && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        return ValueTask.CompletedTask;
    }
}

/// <param name="File">The decoded tar on disk, or null when it is decoded in the stream.</param>
internal sealed record DecodedLayer(Descriptor Original, Descriptor Delivered, LayerCompression Compression, string? File);
