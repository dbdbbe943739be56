using S3lo.Core.Archives;
using S3lo.Core.Errors;
using S3lo.Core.Transfer;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Contracts;

/// <summary>The image endpoint contract on an OCI layout directory (<c>oci:DIR:TAG</c>), fresh per test.</summary>
public sealed class OciLayoutEndpointContractTests() : FileEndpointContract("oci-contract")
{
    private string Layout => Dir.File("layout");

    protected override IImageDestination OpenDestination(string tag) => new OciLayoutDestination(Layout, tag);

    protected override IImageSource OpenSource(string tag) => new OciLayoutSource(Layout, tag);

    /// <summary>
    /// The layout may hold blobs of the failed copy, but index.json — the commit — is never written, so
    /// reading it back says the layout holds no image yet.
    /// </summary>
    protected override async Task AssertNothingCommittedAsync(string tag)
    {
        await using var source = OpenSource(tag);
        var e = Assert.ThrowsAsync<NotFoundException>(() => source.GetRootAsync(None));
        Assert.That(e!.Message, Is.EqualTo($"oci:{Layout}:{tag} holds no image yet: it has no index.json"));
        Assert.That(File.Exists(Path.Combine(Layout, "index.json")), Is.False, "no index.json may be written");
    }
}
