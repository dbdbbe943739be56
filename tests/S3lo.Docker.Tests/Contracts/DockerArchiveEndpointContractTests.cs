using S3lo.Core.Transfer;
using S3lo.Docker.Archives;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Docker.Tests.Contracts;

/// <summary>
/// The image endpoint contract on a docker-archive (<c>docker-archive:FILE:NAME:TAG</c>), fresh per test.
/// The archive keeps the config and the layers but not the manifest, which reading rebuilds: config
/// bytes and layer diff IDs are compared, not the root digest.
/// </summary>
public sealed class DockerArchiveEndpointContractTests : ImageEndpointContract
{
    private TempDir _dir = null!;
    private string Archive => _dir.File("image.tar");

    protected override bool KeepsTheManifest => false;

    [SetUp]
    public void CreateDirectory() => _dir = new TempDir("docker-archive-contract");

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    protected override IImageDestination OpenDestination(string tag) => new DockerArchiveDestination(Archive, "contract/app:" + tag);

    protected override IImageSource OpenSource(string tag) => new DockerArchiveSource(Archive, "contract/app:" + tag);

    /// <summary>A failed first copy leaves no archive file at all (it is written to a temp file and renamed).</summary>
    protected override async Task AssertNothingCommittedAsync(string tag)
    {
        await base.AssertNothingCommittedAsync(tag);
        Assert.That(File.Exists(Archive), Is.False, "no archive may be left");
        Assert.That(Directory.GetFiles(_dir.Path), Is.Empty, "no temp file may be left");
    }
}
