using S3lo.Core.Archives;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Docker.Archives;

/// <summary><c>docker-archive:FILE[:NAME:TAG]</c>: the tar <c>docker save</c> writes and <c>docker load</c> reads.</summary>
public sealed class DockerArchiveTransport() : ArchiveTransport("docker-archive", "docker-archive:FILE[:NAME:TAG]", ArchiveReference.DockerArchivePrefix)
{
    protected override IImageSource OpenSource(ArchiveReference archive, TransportSession session) =>
        new DockerArchiveSource(archive.Path, archive.RepoTag, session.Platform);

    // Without NAME:TAG the archive carries the source's name, so `docker load` tags it.
    protected override IImageDestination OpenDestination(ArchiveReference archive, TransportSession session) =>
        new DockerArchiveDestination(archive.Path, archive.RepoTag ?? session.Source.RepoTag);
}
