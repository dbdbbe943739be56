using S3lo.Core.Transfer;
using S3lo.Core.Transports;

namespace S3lo.Core.Archives;

/// <summary><c>oci-archive:FILE[:TAG]</c>: a tar of an OCI image layout.</summary>
public sealed class OciArchiveTransport() : ArchiveTransport("oci-archive", "oci-archive:FILE[:TAG]", ArchiveReference.OciArchivePrefix)
{
    protected override IImageSource OpenSource(ArchiveReference archive, TransportSession session) => new OciArchiveSource(archive.Path, archive.Tag);

    protected override IImageDestination OpenDestination(ArchiveReference archive, TransportSession session) => new OciArchiveDestination(archive.Path, archive.Tag);
}
