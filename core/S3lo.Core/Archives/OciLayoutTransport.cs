using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Archives;

/// <summary><c>oci:DIR[:TAG]</c>: an OCI image layout directory.</summary>
public sealed class OciLayoutTransport() : ArchiveTransport("oci", "oci:DIR[:TAG]", ArchiveReference.OciPrefix)
{
    protected override IImageSource OpenSource(ArchiveReference archive, TransportSession session) => new OciLayoutSource(archive.Path, archive.Tag);

    protected override IImageDestination OpenDestination(ArchiveReference archive, TransportSession session) => new OciLayoutDestination(archive.Path, archive.Tag);
}
