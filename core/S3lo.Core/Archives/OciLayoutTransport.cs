using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Archives;

/// <summary><c>oci:DIR[:TAG]</c>: an OCI image layout directory.</summary>
public sealed class OciLayoutTransport : IImageTransport
{
    public string Name => "oci";

    public string Syntax => "oci:DIR[:TAG]";

    public bool Claims(string text) => text.StartsWith(ArchiveReference.OciPrefix, StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role) => new ArchiveTransportReference(this, ArchiveReference.Parse(text));

    public Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var archive = ((ArchiveTransportReference)reference).Archive;
        return Task.FromResult<IImageSource>(session.Own(new OciLayoutSource(archive.Path, archive.Tag)));
    }

    public Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var archive = ((ArchiveTransportReference)reference).Archive;
        return Task.FromResult<IImageDestination>(session.Own(new OciLayoutDestination(archive.Path, archive.Tag)));
    }
}
