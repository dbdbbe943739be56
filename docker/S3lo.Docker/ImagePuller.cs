using S3lo.Core.Bucket;
using S3lo.Core.Endpoints;
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
        await using var source = new BucketImageSource(bucket, reference.Repository, reference.Tag, reference.Digest);
        await using var target = new DockerImageDestination(docker, localRepository, localTag, tempDirectory);
        // Buckets answer HEAD cheaply: find a missing blob before the daemon sees a byte.
        return await engine.TransferAsync(source, target, options with { CheckSourceFirst = true }, ct).ConfigureAwait(false);
    }
}
