using S3lo.Core.Transfer;
using S3lo.Docker.Archives;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Docker.Tests.Contracts;

/// <summary>
/// The image endpoint contract on a docker-archive (<c>docker-archive:FILE:NAME:TAG</c>), fresh per test.
/// The archive keeps the config and the layers but not the manifest, which reading rebuilds: config
/// bytes and layer diff IDs are compared, not the root digest.
/// </summary>
public sealed class DockerArchiveEndpointContractTests() : FileEndpointContract("docker-archive-contract")
{
    private string Archive => Dir.File("image.tar");

    protected override bool KeepsTheManifest => false;

    protected override IImageDestination OpenDestination(string tag) => new DockerArchiveDestination(Archive, "contract/app:" + tag);

    protected override IImageSource OpenSource(string tag) => new DockerArchiveSource(Archive, "contract/app:" + tag);
}
