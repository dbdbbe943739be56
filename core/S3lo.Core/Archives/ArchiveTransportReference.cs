using S3lo.Core.Transports;

namespace S3lo.Core.Archives;

/// <summary>An OCI layout, an OCI archive or a docker-archive file as one end of a transfer.</summary>
public sealed record ArchiveTransportReference(IImageTransport Transport, ArchiveReference Archive) : TransportReference(Transport)
{
    public override string Describe() => Archive.ToString();

    public override string? RepoTag => Archive.RepoTag;
}
