using System.Text;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Tests.Oci;

/// <summary>A negative descriptor size is bad data: one S3loException (exit 1) at parse time, never a crash later.</summary>
[TestFixture]
public class DescriptorSizeTests
{
    private const string ConfigDigest = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";
    private const string LayerDigest = "sha256:589002ba0eaed121a1dbf42f6648f29e5be55d5c8a6ee0f8eaa0285cc21ac153";

    private static string Manifest(long configSize, long layerSize) =>
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":{{configSize}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{LayerDigest}}","size":{{layerSize}}}]}""";

    [TestCase(-1, 10, ConfigDigest, -1)]
    [TestCase(10, long.MinValue, LayerDigest, long.MinValue)]
    public void NegativeSizeInAManifestIsRefused(long configSize, long layerSize, string digest, long shown)
    {
        var e = Assert.Throws<S3loException>(() => ManifestBlob.Parse(Encoding.UTF8.GetBytes(Manifest(configSize, layerSize)), "manifest m"));
        Assert.That(e!.Message, Is.EqualTo($"manifest m gives {digest} a negative size ({shown})"));
        Assert.That(e, Is.Not.InstanceOf<UsageException>(), "a failed operation: exit code 1");
    }

    [Test]
    public void NegativeSizeInAnIndexIsRefused()
    {
        var index = $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{LayerDigest}}","size":-7}]}""";
        var e = Assert.Throws<S3loException>(() => ManifestBlob.Parse(Encoding.UTF8.GetBytes(index), "index i"));
        Assert.That(e!.Message, Is.EqualTo($"index i gives {LayerDigest} a negative size (-7)"));
    }

    [Test]
    public void ZeroSizeIsAllowed() =>
        Assert.That(ManifestBlob.Parse(Encoding.UTF8.GetBytes(Manifest(0, 0)), "manifest m").Manifest!.Layers[0].Size, Is.Zero);
}
