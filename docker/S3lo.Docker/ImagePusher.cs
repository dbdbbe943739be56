using S3lo.Core.Bucket;
using S3lo.Core.Endpoints;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;

namespace S3lo.Docker;

/// <summary>push: the Docker daemon's image → a bucket tag, through the transfer engine; then the diff-ID index.</summary>
public sealed class ImagePusher(TransferEngine engine, TimeProvider clock)
{
    public async Task<PushResult> PushAsync(DockerClient docker, string localImage, ImageBucket bucket, ImageReference destination,
        DockerPushOptions pushOptions, TransferOptions transferOptions, CancellationToken ct)
    {
        await using var target = new BucketImageDestination(bucket, destination.Repository, destination.Tag!, clock);
        await target.SnapshotTagAsync(ct).ConfigureAwait(false);
        // Layers compressed next to the store are moved in, not copied.
        var options = target.StagingDirectory is { } staging ? pushOptions with { TempDirectory = staging } : pushOptions;
        await using var source = new DockerImageSource(docker, localImage, new BucketLayerCache(bucket), options);
        var report = await engine.TransferAsync(source, target, transferOptions with { Platform = null }, ct).ConfigureAwait(false);
        foreach (var layer in source.NewLayers)
        {
            var compression = MediaTypes.LayerCompressionOf(layer.Blob.MediaType) ?? LayerCompression.None;
            await bucket.RecordIndexedLayerAsync(layer.DiffId, compression, layer.Blob, layer.TarSize, ct).ConfigureAwait(false);
        }
        var inspect = source.Inspect!;
        var platform = new Platform { Os = inspect.Os ?? "", Architecture = inspect.Architecture ?? "", Variant = inspect.Variant };
        return new PushResult(report, platform, source.Exported);
    }
}

/// <param name="Exported">False when the bucket already had the config and every layer, so nothing was exported.</param>
public sealed record PushResult(TransferReport Report, Platform Platform, bool Exported);
