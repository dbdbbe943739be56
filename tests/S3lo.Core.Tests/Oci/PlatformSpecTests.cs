using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Oci;

[TestFixture]
public class PlatformSpecTests
{
    private static Platform P(string os, string arch, string? variant = null) => new() { Os = os, Architecture = arch, Variant = variant };

    [TestCase("linux/amd64", "linux", "amd64", null)]
    [TestCase("linux/arm64/v8", "linux", "arm64", "v8")]
    [TestCase("linux/arm/v7", "linux", "arm", "v7")]
    [TestCase("Linux/AMD64", "linux", "amd64", null)]
    [TestCase("  linux/amd64\n", "linux", "amd64", null)]
    [TestCase("linux/x86_64", "linux", "amd64", null)]
    [TestCase("linux/aarch64", "linux", "arm64", null)]
    [TestCase("windows/amd64", "windows", "amd64", null)]
    [TestCase("linux/ppc64le", "linux", "ppc64le", null)]
    public void ParsesValidPlatforms(string text, string os, string arch, string? variant)
    {
        var spec = PlatformSpec.Parse(text);

        Assert.That(spec, Is.EqualTo(new PlatformSpec(os, arch, variant)));
        Assert.That(spec.ToString(), Is.EqualTo(variant is null ? $"{os}/{arch}" : $"{os}/{arch}/{variant}"));
    }

    [TestCase("")]
    [TestCase("linux")]
    [TestCase("linux/")]
    [TestCase("/amd64")]
    [TestCase("linux//amd64")]
    [TestCase("linux/arm64/v8/extra")]
    [TestCase("linux/amd 64")]
    [TestCase("linux/amd64;rm -rf")]
    public void RejectsInvalidPlatformsAsUsageErrors(string text)
    {
        var error = Assert.Throws<UsageException>(() => PlatformSpec.Parse(text));

        Assert.That(error!.Message, Is.EqualTo($"invalid platform '{text}'"));
        Assert.That(error, Is.TypeOf<UsageException>(), "a usage error: exit code 2");
        Assert.That(error.Hint, Does.Contain("linux/amd64"));
    }

    [Test]
    public void Arm64MatchesWithVariantV8AndWithoutAVariant()
    {
        var arm64 = PlatformSpec.Parse("linux/arm64");
        var arm64v8 = PlatformSpec.Parse("linux/arm64/v8");

        Assert.That(arm64.Matches(P("linux", "arm64", "v8")), Is.True);
        Assert.That(arm64.Matches(P("linux", "arm64")), Is.True);
        Assert.That(arm64v8.Matches(P("linux", "arm64", "v8")), Is.True);
        Assert.That(arm64v8.Matches(P("linux", "arm64")), Is.True, "an image without a variant is arm64/v8");
        Assert.That(arm64v8.Matches(P("linux", "aarch64")), Is.True);
        Assert.That(arm64.Matches(P("linux", "amd64")), Is.False);
        Assert.That(arm64.Matches(P("darwin", "arm64")), Is.False);
    }

    [Test]
    public void ArmV7AndV6AreDistinct()
    {
        var v7 = PlatformSpec.Parse("linux/arm/v7");
        var v6 = PlatformSpec.Parse("linux/arm/v6");
        var arm = PlatformSpec.Parse("linux/arm");

        Assert.That(v7.Matches(P("linux", "arm", "v7")), Is.True);
        Assert.That(v7.Matches(P("linux", "arm", "v6")), Is.False);
        Assert.That(v7.Matches(P("linux", "arm")), Is.True, "arm without a variant means v7");
        Assert.That(v6.Matches(P("linux", "arm", "v6")), Is.True);
        Assert.That(v6.Matches(P("linux", "arm", "v7")), Is.False);
        Assert.That(arm.Matches(P("linux", "arm", "v6")), Is.True);
        Assert.That(arm.Matches(P("linux", "arm", "v7")), Is.True);
    }

    [Test]
    public void OsAndArchitectureCompareCaseInsensitivelyAndNormalized()
    {
        var amd64 = PlatformSpec.Parse("linux/amd64");

        Assert.That(amd64.Matches(P("Linux", "AMD64")), Is.True);
        Assert.That(amd64.Matches(P("linux", "x86_64")), Is.True);
        Assert.That(amd64.Matches(P("windows", "amd64")), Is.False);
    }

    [Test]
    public void DetectsAttestationsByPlatformOrAnnotation()
    {
        var byPlatform = new Descriptor { Platform = P("unknown", "unknown") };
        var byAnnotation = new Descriptor
        {
            Platform = P("linux", "amd64"),
            Annotations = new Dictionary<string, string> { ["vnd.docker.reference.type"] = "attestation-manifest" },
        };
        var image = new Descriptor { Platform = P("linux", "amd64") };
        var otherAnnotation = new Descriptor
        {
            Platform = P("linux", "amd64"),
            Annotations = new Dictionary<string, string> { ["vnd.docker.reference.type"] = "something-else" },
        };

        Assert.That(PlatformSpec.IsAttestation(byPlatform), Is.True);
        Assert.That(PlatformSpec.IsAttestation(byAnnotation), Is.True);
        Assert.That(PlatformSpec.IsAttestation(image), Is.False);
        Assert.That(PlatformSpec.IsAttestation(otherAnnotation), Is.False);
        Assert.That(PlatformSpec.IsAttestation(new Descriptor()), Is.False);
    }

    [Test]
    public void TheFixturesIndexHasEightAttestationsAndEightImages()
    {
        var index = ManifestBlob.Parse(File.ReadAllBytes(FixtureStore.ManifestPath), "fixture").Index!;

        Assert.That(index.Manifests.Count(PlatformSpec.IsAttestation), Is.EqualTo(8));
        Assert.That(index.Manifests.Where(d => !PlatformSpec.IsAttestation(d)).Select(d => d.Platform!.ToString()), Is.EqualTo(new[]
        {
            "linux/amd64", "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8", "linux/386", "linux/ppc64le", "linux/riscv64", "linux/s390x",
        }));
    }

    [Test]
    public void HostIsALinuxPlatform()
    {
        var host = PlatformSpec.Host();

        Assert.That(host.Os, Is.EqualTo("linux"));
        Assert.That(host.Architecture, Is.Not.Empty);
    }
}
