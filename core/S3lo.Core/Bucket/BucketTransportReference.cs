using S3lo.Core.References;
using S3lo.Core.Transports;

namespace S3lo.Core.Bucket;

/// <summary>An image in a bucket as one end of a transfer.</summary>
public sealed record BucketTransportReference(IImageTransport Transport, ImageReference Image) : TransportReference(Transport)
{
    public override string Describe() => Image.ToString();

    public override string? RepoTag => Image.Tag is { } tag ? $"{Image.Repository}:{tag}" : null;
}
