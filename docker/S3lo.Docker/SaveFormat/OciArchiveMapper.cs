using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// Maps the OCI layout of Docker 25+ saves: index.json → manifest (through nested indexes, as the
/// containerd image store writes them) → config and layers under blobs/sha256. Only images whose
/// blobs are all in the archive are candidates: a multi-platform index usually names platforms that
/// were never pulled.
/// </summary>
internal static class OciArchiveMapper
{
    private const string BlobPrefix = "blobs/sha256/";
    private const string ImageNameAnnotation = "io.containerd.image.name";
    private const string DockerUncompressedLayer = "application/vnd.docker.image.rootfs.diff.tar";
    private const int MaxIndexDepth = 4;

    /// <summary>Null when index.json names no complete image (the caller then tries docker's manifest.json).</summary>
    public static async Task<MappedImage?> MapAsync(ArchiveEntryCollector archive, ArchiveFile indexFile, DockerArchiveReadOptions options, CancellationToken ct)
    {
        var index = OciJson.ParseIndex(await archive.ReadJsonAsync(indexFile, ct).ConfigureAwait(false), "index.json of the image archive");
        var candidates = new List<Candidate>();
        await CollectAsync(archive, index.Manifests, null, 0, candidates, ct).ConfigureAwait(false);

        // docker's manifest.json names the image the save was for, with its tags.
        var dockerEntry = await ClassicArchiveMapper.ReadFirstEntryAsync(archive, ct).ConfigureAwait(false);
        var dockerConfig = dockerEntry is null ? null : archive.Find(dockerEntry.Config)?.Digest;

        IEnumerable<Candidate> pool = candidates;
        if (options.Platform is { } wanted) pool = pool.Where(c => wanted.Matches(c.Platform)).ToList();
        var chosen = pool.FirstOrDefault(c => c.ConfigDigest == dockerConfig) ?? pool.FirstOrDefault();
        if (chosen is null)
        {
            if (options.Platform is { } p && candidates.Count > 0)
                throw new S3loException($"the image archive has no {p} image; it has {string.Join(", ", candidates.Select(c => c.Platform).Distinct())}");
            return null;
        }

        var diffIds = ArchiveConfig.DiffIds(chosen.Config);
        var manifest = chosen.Manifest;
        if (manifest.Layers.Count != diffIds.Count)
            throw new S3loException($"the image manifest in the archive lists {manifest.Layers.Count} layers but its config has {diffIds.Count} diff IDs");
        var layers = new List<MappedLayer>(diffIds.Count);
        for (var i = 0; i < diffIds.Count; i++)
        {
            var descriptor = manifest.Layers[i];
            var blob = Digest.Parse(descriptor.Digest);
            var file = Blob(archive, blob)!;
            var compression = MediaTypes.LayerCompressionOf(descriptor.MediaType)
                ?? (descriptor.MediaType == DockerUncompressedLayer
                    ? LayerCompression.None
                    : throw new S3loException($"layer {i + 1} of the image archive has unsupported media type '{descriptor.MediaType}'"));
            if (compression == LayerCompression.None && blob != diffIds[i])
                throw new DigestMismatchException($"layer {i + 1} ({file.Name}) of the image archive", diffIds[i].ToString(), blob.ToString());
            var mediaType = compression == LayerCompression.None ? MediaTypes.OciLayer : descriptor.MediaType;
            layers.Add(new MappedLayer(diffIds[i], blob, mediaType, file));
        }

        IReadOnlyList<string> tags = dockerEntry is not null && chosen.ConfigDigest == dockerConfig
            ? dockerEntry.RepoTags ?? []
            : chosen.Name is { } name ? [name] : [];
        return new MappedImage(DockerArchiveFormat.OciLayout, chosen.Config, chosen.ConfigDigest, layers, tags);
    }

    private static async Task CollectAsync(ArchiveEntryCollector archive, IReadOnlyList<Descriptor> descriptors, string? name, int depth,
        List<Candidate> candidates, CancellationToken ct)
    {
        if (depth > MaxIndexDepth) throw new S3loException($"the image archive nests indexes more than {MaxIndexDepth} deep");
        foreach (var descriptor in descriptors)
        {
            if (PlatformSpec.IsAttestation(descriptor) || !Digest.TryParse(descriptor.Digest, out var digest)) continue;
            if (Blob(archive, digest, descriptor.Size) is not { Skipped: false } file) continue;
            var what = $"manifest {digest} of the image archive";
            var blob = ManifestBlob.Parse(await archive.ReadJsonAsync(file, ct).ConfigureAwait(false), what, descriptor.MediaType);
            var imageName = descriptor.Annotations?.GetValueOrDefault(ImageNameAnnotation) ?? name;
            if (blob.Index is { } nested)
            {
                await CollectAsync(archive, nested.Manifests, imageName, depth + 1, candidates, ct).ConfigureAwait(false);
                continue;
            }
            var manifest = blob.Manifest!;
            if (!MediaTypes.IsImageConfig(manifest.Config.MediaType) || !Digest.TryParse(manifest.Config.Digest, out var configDigest)) continue;
            if (Blob(archive, configDigest, manifest.Config.Size) is not { Skipped: false } configFile) continue;
            if (!manifest.Layers.All(l => Digest.TryParse(l.Digest, out var d) && Blob(archive, d, l.Size) is not null)) continue;
            var config = await archive.ReadJsonAsync(configFile, ct).ConfigureAwait(false);
            var platform = descriptor.Platform ?? ArchiveConfig.Platform(config);
            candidates.Add(new Candidate(manifest, platform, configDigest, config, imageName));
        }
    }

    /// <summary>The archive file of a blob, its size checked against what the descriptor states.</summary>
    private static ArchiveFile? Blob(ArchiveEntryCollector archive, Digest digest, long? expectedSize = null)
    {
        var file = archive.Find(BlobPrefix + digest.Hex);
        if (file is not null && expectedSize is { } size && file.Size != size)
            throw new S3loException($"blob {digest} of the image archive is {file.Size} bytes, its descriptor says {size}");
        return file;
    }

    private sealed record Candidate(ImageManifest Manifest, Platform Platform, Digest ConfigDigest, byte[] Config, string? Name);
}
