using S3lo.Core.Errors;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// Reads a <c>docker save</c> tar in one sequential pass, in either format docker writes (classic
/// docker-archive, or the OCI layout of Docker 25+). Layers are spooled to disk and hashed while
/// read; memory stays bounded whatever the layer sizes. The tar is untrusted: paths, JSON sizes,
/// digests and diff IDs are all checked.
/// </summary>
public static class DockerArchiveReader
{
    public static async Task<DockerArchiveContents> ReadAsync(Stream tar, string spoolDirectory, DockerArchiveReadOptions options, CancellationToken ct)
    {
        using var callbacks = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var archive = new ArchiveEntryCollector(spoolDirectory, options, callbacks.Token);
        try
        {
            await archive.CollectAsync(tar, ct).ConfigureAwait(false);
            var image = await MapAsync(archive, options, ct).ConfigureAwait(false);

            var keep = new HashSet<string>(StringComparer.Ordinal);
            var layers = new List<ArchiveLayer>(image.Layers.Count);
            foreach (var layer in image.Layers)
            {
                var path = await archive.EnsureSpooledAsync(layer.File, ct).ConfigureAwait(false);
                if (path is not null) keep.Add(path);
                layers.Add(new ArchiveLayer(layer.DiffId, layer.BlobDigest, layer.MediaType, layer.File.Size, path));
            }
            // The caller's work on reported files ends before files that are not layers go away.
            await archive.WhenCallbacksDoneAsync().ConfigureAwait(false);
            archive.DeleteSpoolFiles(archive.SpoolFiles.Where(p => !keep.Contains(p)).ToList());
            return new DockerArchiveContents(image.Format, image.Config, image.ConfigDigest, layers, image.RepoTags);
        }
        catch
        {
            await callbacks.CancelAsync().ConfigureAwait(false);
            try
            {
                await archive.WhenCallbacksDoneAsync().ConfigureAwait(false);
            }
            catch
            {
                // The error that stopped reading is the one to report.
            }
            archive.DeleteSpoolFiles(archive.SpoolFiles.ToList());
            throw;
        }
    }

    private static async Task<MappedImage> MapAsync(ArchiveEntryCollector archive, DockerArchiveReadOptions options, CancellationToken ct)
    {
        if (archive.Find("index.json") is not { } index)
            return await ClassicArchiveMapper.MapAsync(archive, DockerArchiveFormat.DockerArchive, ct, options.RepoTag).ConfigureAwait(false);
        return await OciArchiveMapper.MapAsync(archive, index, options, ct).ConfigureAwait(false)
            ?? (archive.Find("manifest.json") is not null
                ? await ClassicArchiveMapper.MapAsync(archive, DockerArchiveFormat.OciLayout, ct).ConfigureAwait(false)
                : throw new S3loException("the image archive's index.json names no image whose blobs are all in the archive"));
    }
}
