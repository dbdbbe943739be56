using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Archives;

/// <summary><c>oci-archive:FILE[:TAG]</c>: a tar of an OCI image layout.</summary>
public sealed class OciArchiveTransport : IImageTransport
{
    public string Name => "oci-archive";

    public string Syntax => "oci-archive:FILE[:TAG]";

    public bool Claims(string text) => text.StartsWith(ArchiveReference.OciArchivePrefix, StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role) => new ArchiveTransportReference(this, ArchiveReference.Parse(text));

    public Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var archive = ((ArchiveTransportReference)reference).Archive;
        return Task.FromResult<IImageSource>(session.Own(new OciArchiveSource(archive.Path, archive.Tag)));
    }

    public Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var archive = ((ArchiveTransportReference)reference).Archive;
        return Task.FromResult<IImageDestination>(session.Own(new OciArchiveDestination(archive.Path, archive.Tag)));
    }
}
