using S3lo.Core.Archives;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Docker.Archives;

/// <summary><c>docker-archive:FILE[:NAME:TAG]</c>: the tar <c>docker save</c> writes and <c>docker load</c> reads.</summary>
public sealed class DockerArchiveTransport : IImageTransport
{
    public string Name => "docker-archive";

    public string Syntax => "docker-archive:FILE[:NAME:TAG]";

    public bool Claims(string text) => text.StartsWith(ArchiveReference.DockerArchivePrefix, StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role) => new ArchiveTransportReference(this, ArchiveReference.Parse(text));

    public Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var archive = ((ArchiveTransportReference)reference).Archive;
        return Task.FromResult<IImageSource>(session.Own(new DockerArchiveSource(archive.Path, archive.RepoTag, session.Platform)));
    }

    public Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var archive = ((ArchiveTransportReference)reference).Archive;
        // Without NAME:TAG the archive carries the source's name, so `docker load` tags it.
        return Task.FromResult<IImageDestination>(session.Own(
            new DockerArchiveDestination(archive.Path, archive.RepoTag ?? session.Source.RepoTag)));
    }
}
