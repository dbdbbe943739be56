using S3lo.Core.Bucket;
using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;

namespace S3lo.Core.FileSystem;

/// <summary>One file of an image's merged filesystem, open for streaming.</summary>
public sealed class ImageFile : IAsyncDisposable
{
    private readonly IReadOnlyList<LayerScan> _layers;

    internal ImageFile(Stream content, string platform, IReadOnlyList<LayerScan> layers)
    {
        Content = content;
        Platform = platform;
        _layers = layers;
    }

    /// <summary>The file's bytes, read straight from its layer (bounded memory whatever its size).</summary>
    public Stream Content { get; }

    /// <summary>The platform read, e.g. linux/amd64.</summary>
    public string Platform { get; }

    public async ValueTask DisposeAsync()
    {
        foreach (var layer in _layers) await layer.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Reads one file out of a stored image without extracting it: <c>docker run --rm IMG cat PATH</c> without Docker.</summary>
public static class LayeredFileReader
{
    /// <param name="path">As the user typed it: absolute or relative to '/'.</param>
    public static async Task<ImageFile> OpenAsync(ImageBucket bucket, IImageSource source, string path, PlatformSpec platform,
        bool platformIsExplicit, CancellationToken ct)
    {
        var normalized = ImagePath.FromUser(path);
        var root = await source.GetRootAsync(ct).ConfigureAwait(false);
        var selection = await new PlatformSelector(source, new TransferOptions { Platform = platform, PlatformIsExplicit = platformIsExplicit })
            .SelectAsync(root, ct).ConfigureAwait(false);
        var image = selection.Images[0];
        var platformName = image.Platform?.ToString() ?? platform.ToString();
        var layers = image.Manifest.Manifest!.Layers.Select(layer => new LayerScan(token => OpenLayerAsync(bucket, layer, token))).ToList();
        try
        {
            var lookup = new MergedFileLookup(layers, $"{source.Name} ({platformName})");
            var (layer, found) = await lookup.ResolveAsync(normalized, ct).ConfigureAwait(false);
            var content = await layer.OpenContentAsync(found, ct).ConfigureAwait(false);
            return new ImageFile(content, platformName, layers);
        }
        catch
        {
            foreach (var layer in layers) await layer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A layer's plain tar. Uncompressed: a seekable stream of range reads, so file bodies are skipped, not
    /// downloaded. Compressed: one sequential read (a decoder cannot skip), dropped as soon as the answer is known.
    /// </summary>
    internal static async Task<Stream> OpenLayerAsync(ImageBucket bucket, Descriptor layer, CancellationToken ct)
    {
        var digest = Digest.Parse(layer.Digest);
        var compression = MediaTypes.LayerCompressionOf(layer.MediaType)
            ?? throw new S3loException($"layer {layer.Digest} has media type {layer.MediaType}, which is not a tar layer s3lo can read");
        if (compression == LayerCompression.None)
        {
            var key = BucketLayout.BlobKey(digest);
            var info = await bucket.Store.HeadAsync(key, ct).ConfigureAwait(false)
                ?? throw new NotFoundException($"blob {digest} is missing from {bucket.Name}", "push or copy the image again to restore the blob");
            return new RangeSeekStream(bucket.Store, key, info.Size);
        }
        // Size unknown on purpose: a known large size would start parallel ranges that download ahead of the tar reader.
        var compressed = await bucket.OpenBlobAsync(digest, -1, ct).ConfigureAwait(false);
        return LayerCompressor.OpenDecompressor(compressed, compression);
    }
}
