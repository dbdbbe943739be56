using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Docker.Engine;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// Maps a classic docker-archive through its manifest.json: config file, then layer files in order.
/// Layer files may be plain tars (checked against the config's diff IDs) or, as docker load accepts
/// and other tools write, gzip or zstd compressed.
/// </summary>
internal static class ClassicArchiveMapper
{
    public static async Task<MappedImage> MapAsync(ArchiveEntryCollector archive, DockerArchiveFormat format, CancellationToken ct, string? repoTag = null)
    {
        var entry = await ReadFirstEntryAsync(archive, ct, repoTag).ConfigureAwait(false)
            ?? throw new S3loException("the image archive has no manifest.json: it is not a docker save archive (or one older than Docker 1.10)");
        var configFile = archive.Find(entry.Config) ?? throw Missing("config", entry.Config);
        var config = await archive.ReadJsonAsync(configFile, ct).ConfigureAwait(false);
        var diffIds = ArchiveConfig.DiffIds(config);
        if (entry.Layers.Count != diffIds.Count)
            throw new S3loException($"the image archive's manifest.json lists {entry.Layers.Count} layers but its config has {diffIds.Count} diff IDs");

        var layers = new List<MappedLayer>(diffIds.Count);
        for (var i = 0; i < diffIds.Count; i++)
        {
            var file = archive.Find(entry.Layers[i]) ?? throw Missing($"layer {i + 1}", entry.Layers[i]);
            var compression = LayerMagic.Sniff(file.Head);
            if (compression == LayerCompression.None && file.Digest != diffIds[i])
                throw new DigestMismatchException($"layer {i + 1} ({entry.Layers[i]}) of the image archive", diffIds[i].ToString(), file.Digest.ToString());
            layers.Add(new MappedLayer(diffIds[i], file.Digest, MediaTypes.OciLayerFor(compression), file));
        }
        return new MappedImage(format, config, Digest.Compute(config), layers, entry.RepoTags ?? []);
    }

    /// <summary>The image of docker's manifest.json named <paramref name="repoTag"/>, else the first; null when the archive has none.</summary>
    public static async Task<DockerArchiveManifestEntry?> ReadFirstEntryAsync(ArchiveEntryCollector archive, CancellationToken ct, string? repoTag = null)
    {
        if (archive.Find("manifest.json") is not { } file) return null;
        var bytes = await archive.ReadJsonAsync(file, ct).ConfigureAwait(false);
        List<DockerArchiveManifestEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(bytes, DockerJsonContext.Default.ListDockerArchiveManifestEntry);
        }
        catch (JsonException e)
        {
            throw new S3loException($"manifest.json of the image archive is not valid: {e.Message}", inner: e);
        }
        // Several images: the one of the name asked for, or the first.
        if (repoTag is not null && entries?.FirstOrDefault(e => e?.RepoTags?.Contains(repoTag, StringComparer.Ordinal) == true) is { } named) return named;
        return entries is { Count: > 0 } ? entries[0] : throw new S3loException("manifest.json of the image archive lists no image");
    }

    private static S3loException Missing(string what, string path) =>
        new($"the image archive lacks the {what} '{path}' its manifest.json names");
}
