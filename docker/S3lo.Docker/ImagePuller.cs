using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Endpoints;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;

namespace S3lo.Docker;

/// <summary>pull: a bucket image (one platform of it) → the Docker daemon's image load, then the local tag.</summary>
public sealed class ImagePuller(TransferEngine engine)
{
    public async Task<TransferReport> PullAsync(DockerClient docker, ImageBucket bucket, ImageReference reference,
        string localRepository, string localTag, TransferOptions options, string tempDirectory, CancellationToken ct)
    {
        await docker.PingAsync(ct).ConfigureAwait(false);
        TransferReport report;
        await using (var source = new BucketImageSource(bucket, reference.Repository, reference.Tag, reference.Digest))
        await using (var target = new DockerImageDestination(docker, localRepository, localTag, tempDirectory))
        {
            // Buckets answer HEAD cheaply: find a missing blob before the daemon sees a byte.
            report = await engine.TransferAsync(source, target, options with { CheckSourceFirst = true }, ct).ConfigureAwait(false);
        }
        // Unchanged: the daemon already had the image, so this pull proved nothing about the blobs.
        if (!report.Commit.Unchanged) await RememberLayersAsync(bucket, reference.Repository, report.Digest, options, ct).ConfigureAwait(false);
        return report;
    }

    /// <summary>A layer's plain tar size from the diff-ID index, when the index maps that diff ID to this very blob.</summary>
    private static Func<Digest, Digest, CancellationToken, Task<long?>> TarSizeLookup(ImageBucket bucket) => async (diffId, blob, ct) =>
    {
        foreach (var compression in (LayerCompression[])[LayerCompression.Gzip, LayerCompression.Zstd])
        {
            if (await bucket.FindIndexedLayerAsync(diffId, compression, ct).ConfigureAwait(false) is { } hit && hit.Blob.Digest == blob.ToString())
                return hit.TarSize;
        }
        return null;
    };

    /// <summary>
    /// The daemon checked every layer against the config's diff IDs while loading, so the pairs are
    /// proven: record them in the diff-ID index, and pushing this image back uploads nothing.
    /// Best effort — a pull with read-only credentials must not fail for it.
    /// </summary>
    private static async Task RememberLayersAsync(ImageBucket bucket, string repository, Digest manifestDigest, TransferOptions options, CancellationToken ct)
    {
        try
        {
            await using var source = new BucketImageSource(bucket, repository, null, manifestDigest);
            var manifest = (await source.GetRootAsync(ct).ConfigureAwait(false)).Manifest;
            if (manifest is null || !MediaTypes.IsImageConfig(manifest.Config.MediaType)) return;
            var configBytes = await bucket.ReadAllAsync(BucketLayout.BlobKey(Digest.Parse(manifest.Config.Digest)), ct).ConfigureAwait(false);
            var diffIds = OciJson.ParseConfig(configBytes, "config").RootFs?.DiffIds ?? [];
            if (diffIds.Count != manifest.Layers.Count) return;
            for (var i = 0; i < diffIds.Count; i++)
            {
                var layer = manifest.Layers[i];
                if (MediaTypes.LayerCompressionOf(layer.MediaType) is not { } compression) continue;
                var diffId = Digest.Parse(diffIds[i]);
                // An entry already there (a push's, with the tar size) stays as it is.
                if (await bucket.FindIndexedLayerAsync(diffId, compression, ct).ConfigureAwait(false) is not null) continue;
                var blob = layer with { Annotations = null, Urls = null, Platform = null };
                await bucket.RecordIndexedLayerAsync(diffId, compression, blob, tarSize: null, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is S3loException or IOException or UnauthorizedAccessException)
        {
            options.Observer.Message($"note: could not update the layer index of {bucket.Name}: {e.Message}");
        }
    }
}
