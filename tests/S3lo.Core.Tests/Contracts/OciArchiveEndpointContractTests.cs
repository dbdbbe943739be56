using S3lo.Core.Archives;
using S3lo.Core.Transfer;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Contracts;

/// <summary>The image endpoint contract on an OCI archive (<c>oci-archive:FILE:TAG</c>), fresh per test.</summary>
public sealed class OciArchiveEndpointContractTests() : FileEndpointContract("oci-archive-contract")
{
    private string Archive => Dir.File("image.tar");

    protected override IImageDestination OpenDestination(string tag) => new OciArchiveDestination(Archive, tag);

    protected override IImageSource OpenSource(string tag) => new OciArchiveSource(Archive, tag);
}
