using System.Collections.Concurrent;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// The OCI image a <c>docker save</c> stream holds — an export from the daemon or a docker-archive file —
/// read once: config bytes as they are (the image ID survives), plain layer tars streamed into the
/// engine's <see cref="LayerEncoder"/> as they are read, layers stored compressed already (containerd's
/// image store) kept as they are. This is the one mapping from the docker-save format to an OCI manifest.
/// </summary>
internal sealed class DockerSaveImage
{
    private readonly ConcurrentDictionary<string, string> _storedFiles = new(StringComparer.Ordinal);

    private DockerSaveImage(byte[] config, ManifestBlob root, IReadOnlyList<string> repoTags)
    {
        Config = config;
        Root = root;
        RepoTags = repoTags;
    }

    public byte[] Config { get; }
    public ManifestBlob Root { get; }

    /// <summary>The names the image was saved under.</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <param name="reusable">Layers (by diff ID) the destination holds already: not read when the format allows, never encoded.</param>
    public static async Task<DockerSaveImage> ReadAsync(Stream save, string spoolDirectory, LayerEncoder encoder, IReadOnlyDictionary<Digest, CachedLayer> reusable,
        PlatformSpec? platform, string? repoTag, CancellationToken ct)
    {
        var encoded = new ConcurrentDictionary<Digest, Descriptor>();
        // A layer whose tar size matches no stored layer is surely new: encode it while it streams in.
        // Others are only spooled and hashed, and encoded afterwards if they turn out new after all.
        var knownSizes = reusable.Values.Where(k => k.TarSize is not null).Select(k => k.TarSize!.Value).ToHashSet();
        var options = new DockerArchiveReadOptions
        {
            Platform = platform,
            RepoTag = repoTag,
            SkipKnownBlob = reusable.ContainsKey,
            OpenCopy = start => knownSizes.Contains(start.Size) || LayerMagic.Sniff(start.Head.Span) != LayerCompression.None
                ? null
                : new EncodingCopy(encoder.Begin(start.Size, ProgressName(start.Name)), encoded),
        };
        var contents = await DockerArchiveReader.ReadAsync(save, spoolDirectory, options, ct).ConfigureAwait(false);

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var layers = new List<Descriptor>(contents.Layers.Count);
        foreach (var layer in contents.Layers)
        {
            if (await encoder.FindReusableAsync(layer.DiffId, ct).ConfigureAwait(false) is { } stored)
            {
                layers.Add(stored.Blob);
                continue;
            }
            var compression = MediaTypes.LayerCompressionOf(layer.MediaType) ?? LayerCompression.None;
            var path = layer.SpoolPath;
            if (compression != LayerCompression.None)
            {
                var blob = new Descriptor { MediaType = MediaTypes.OciLayerFor(compression), Digest = layer.BlobDigest.ToString(), Size = layer.Size };
                files[blob.Digest] = path ?? throw new S3loException($"layer {layer.DiffId} was not in the image archive");
                encoder.RecordPassedThrough(layer.DiffId, blob);
                layers.Add(blob);
            }
            else if (encoded.TryGetValue(layer.DiffId, out var blob))
                layers.Add(blob);
            else
                layers.Add(await encoder.EncodeFileAsync(path ?? throw new S3loException($"layer {layer.DiffId} was not in the image archive"), layer.DiffId, ct)
                    .ConfigureAwait(false));
        }
        var image = new DockerSaveImage(contents.ConfigBytes, Manifest(contents.ConfigDigest, contents.ConfigBytes.Length, layers), contents.RepoTags);
        foreach (var (digest, path) in files) image._storedFiles[digest] = path;
        return image;
    }

    /// <summary>
    /// What a layer is called while it is exported: its blob digest in an OCI-layout save (docker 25 and later: the
    /// diff ID <c>docker image inspect</c> lists), the hex directory of a classic save; null for any other name.
    /// </summary>
    internal static string? ProgressName(string entry)
    {
        var parts = entry.Split('/');
        var hex = parts is ["blobs", _, var h] ? h : parts.Length == 2 ? parts[0] : null;
        if (hex is not { Length: 64 } || !hex.All(char.IsAsciiHexDigitLower)) return null;
        return (parts[0] == "blobs" ? parts[1] : "sha256") + ":" + hex;
    }

    /// <summary>The OCI manifest of a docker image: its config as is, its layers as stored.</summary>
    public static ManifestBlob Manifest(Digest config, long configSize, IReadOnlyList<Descriptor> layers) =>
        ManifestBlob.FromManifest(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.ToString(), Size = configSize },
            Layers = layers.ToList(),
        });

    /// <summary>An image whose config and every layer the destination holds already: nothing to read.</summary>
    public static DockerSaveImage FromStored(byte[] config, Digest configDigest, IReadOnlyList<Descriptor> layers) =>
        new(config, Manifest(configDigest, config.Length, layers), []);

    /// <summary>Every blob of the image can be had: from here, from the encoder, or (reused) from the destination.</summary>
    public bool Contains(Descriptor descriptor) =>
        IsConfig(descriptor) || Root.Manifest!.Layers.Any(l => l.Digest == descriptor.Digest);

    public Stream Open(Descriptor descriptor, LayerEncoder encoder, string imageName)
    {
        if (IsConfig(descriptor)) return new MemoryStream(Config, writable: false);
        var path = _storedFiles.GetValueOrDefault(descriptor.Digest) ?? encoder.FileFor(descriptor.Digest)
            ?? throw new NotFoundException($"layer {descriptor.Digest} of {imageName} was expected in the destination but is gone",
                "copy again: the layer will be read and uploaded");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
    }

    private bool IsConfig(Descriptor descriptor) => Root.Manifest!.Config.Digest == descriptor.Digest;

    /// <summary>Encodes a layer tar as the archive reader reads it.</summary>
    private sealed class EncodingCopy(LayerEncoding encoding, ConcurrentDictionary<Digest, Descriptor> encoded) : ISpoolCopy
    {
        public Stream Input => encoding.Input;

        // The encoded file is the blob: the raw tar need not touch the disk.
        public bool ReplacesSpool => true;

        public async Task CompleteAsync(SpooledBlob spooled, CancellationToken ct) =>
            encoded[spooled.Digest] = await encoding.CompleteAsync(spooled.Digest, ct).ConfigureAwait(false);

        public ValueTask DisposeAsync() => encoding.DisposeAsync();
    }
}
