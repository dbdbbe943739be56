using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// The one image of a transfer plan that a docker-archive gets, checked before a byte is written: one
/// platform, an image config within the JSON size limit, and layers <c>docker load</c> reads — plain tars
/// and gzip (<see cref="LayerFormats.DockerLoad"/>: the engine decodes anything else first). Foreign layers
/// are refused: their bytes live elsewhere.
/// </summary>
internal sealed class LoadableImage
{
    private const string DockerUncompressedLayer = "application/vnd.docker.image.rootfs.diff.tar";
    private readonly HashSet<string> _blobs = new(StringComparer.Ordinal);

    private LoadableImage(Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        Config = config;
        Layers = layers;
        LayerOrder = layers.Select(l => Digest.Parse(l.Digest)).ToList();
        _blobs.Add(config.Digest);
        foreach (var layer in layers) _blobs.Add(layer.Digest);
    }

    public Descriptor Config { get; }
    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>The layers by blob digest in manifest order (a layer may occur twice).</summary>
    public IReadOnlyList<Digest> LayerOrder { get; }

    /// <summary>Config and layers, each once.</summary>
    public IReadOnlySet<string> Blobs => _blobs;

    /// <param name="target">What takes the image, for messages: "the Docker daemon", "docker-archive:app.tar".</param>
    public static LoadableImage From(TransferPlan plan, string target)
    {
        var images = plan.Images.Where(i => !i.IsAttestation).ToList();
        if (images.Count != 1 || images[0].Manifest.Manifest is not { } manifest)
        {
            var platforms = images.Select(i => i.Platform?.ToString()).Where(p => p is not null).Distinct().ToList();
            throw new S3loException($"{target} takes one platform, and this image has {images.Count}{(platforms.Count > 0 ? $" ({string.Join(", ", platforms)})" : "")}",
                "pick one with --platform, e.g. --platform linux/amd64");
        }
        if (!MediaTypes.IsImageConfig(manifest.Config.MediaType))
            throw new S3loException($"the image's config has media type '{manifest.Config.MediaType}', which {target} cannot load");
        if (manifest.Config.Size is < 0 or > OciJson.MaxDocumentBytes)
            throw new S3loException($"config {manifest.Config.Digest} is {manifest.Config.Size} bytes, over the {OciJson.MaxDocumentBytes}-byte limit");
        foreach (var layer in manifest.Layers) CheckLoadable(layer, target);
        return new LoadableImage(manifest.Config, manifest.Layers);
    }

    /// <summary>A zstd layer here is the engine's bug, not the user's: it decodes what a destination does not take.</summary>
    public static void ThrowIfEncoded(Descriptor layer, string target)
    {
        if (MediaTypes.LayerCompressionOf(layer.MediaType) is LayerCompression.Zstd)
            throw new InvalidOperationException($"layer {layer.Digest} reached {target} zstd-compressed: the transfer engine should have decoded it (LayerFormats.DockerLoad)");
    }

    private static void CheckLoadable(Descriptor layer, string target)
    {
        if (layer.Urls is { Count: > 0 } && layer.MediaType.Contains("foreign", StringComparison.Ordinal))
            throw new S3loException($"layer {layer.Digest} is a foreign layer (stored elsewhere), which {target} cannot take");
        ThrowIfEncoded(layer, target);
        if (MediaTypes.LayerCompressionOf(layer.MediaType) is null && layer.MediaType != DockerUncompressedLayer)
            throw new S3loException($"layer {layer.Digest} has media type '{layer.MediaType}', which {target} cannot load");
        Digest.Parse(layer.Digest);
    }
}
