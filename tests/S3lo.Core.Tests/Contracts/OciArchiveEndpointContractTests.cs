using S3lo.Core.Archives;
using S3lo.Core.Transfer;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Contracts;

/// <summary>The image endpoint contract on an OCI archive (<c>oci-archive:FILE:TAG</c>), fresh per test.</summary>
public sealed class OciArchiveEndpointContractTests : ImageEndpointContract
{
    private TempDir _dir = null!;
    private string Archive => _dir.File("image.tar");

    [SetUp]
    public void CreateDirectory() => _dir = new TempDir("oci-archive-contract");

    [TearDown]
    public void DeleteDirectory() => _dir.Dispose();

    protected override IImageDestination OpenDestination(string tag) => new OciArchiveDestination(Archive, tag);

    protected override IImageSource OpenSource(string tag) => new OciArchiveSource(Archive, tag);

    /// <summary>A failed first copy leaves no archive file at all (it is written to a temp file and renamed).</summary>
    protected override async Task AssertNothingCommittedAsync(string tag)
    {
        await base.AssertNothingCommittedAsync(tag);
        Assert.That(TempDir.FilesUnder(_dir.Path), Is.Empty, "no archive and no temp file");
    }
}
