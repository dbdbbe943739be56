using S3lo.Core.Archives;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Registry;
using S3lo.Core.Storage;
using S3lo.Core.Tests.References;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Providers.Azure;
using S3lo.Providers.Gcs;
using S3lo.Providers.Local;
using S3lo.Providers.S3;

namespace S3lo.Core.Tests.Transports;

/// <summary>Which transport a reference reaches: by its prefix, a registry without one, a clear error for an unknown scheme.</summary>
public sealed class TransportRegistryTests
{
    private static readonly IObjectStoreProvider[] Providers =
        [new S3StoreProvider(), new GcsStoreProvider(), new AzureStoreProvider(), new LocalStoreProvider()];

    private static TransportRegistry Registry(params IImageTransport[] extra) =>
        new(Providers, Schemes.References, TimeProvider.System, new RegistryTransport(),
            [new OciLayoutTransport(), new OciArchiveTransport(), .. extra]);

    [TestCase("s3://bucket/app:v1", "s3", "s3://bucket/app:v1")]
    [TestCase("gs://bucket/org/app:v1", "gs", "gs://bucket/org/app:v1")]
    [TestCase("az://container/app:v1", "az", "az://container/app:v1")]
    [TestCase("oci:./layout:v1", "oci", "oci:./layout:v1")]
    [TestCase("oci-archive:./app.tar", "oci-archive", "oci-archive:./app.tar")]
    [TestCase("docker://alpine:3.20", "docker", "docker.io/library/alpine:3.20")]
    [TestCase("ghcr.io/org/app:1", "docker", "ghcr.io/org/app:1")]
    public void Each_transport_claims_its_own_syntax(string text, string transport, string described)
    {
        var reference = Registry().Parse(text, EndRole.Source);

        Assert.That(reference.Transport.Name, Is.EqualTo(transport));
        Assert.That(reference.Describe(), Is.EqualTo(described));
    }

    [Test]
    public void ALocalReferenceReachesTheLocalBucketTransport()
    {
        using var dir = new TempDir("transports");
        File.WriteAllText(Path.Combine(dir.Path, "s3lo.yaml"), "version: 2\n");

        var reference = Registry().Parse($"local://{dir.Path}/app:v1", EndRole.Source);

        Assert.That(reference, Is.TypeOf<BucketTransportReference>());
        Assert.That(reference.Transport.Name, Is.EqualTo("local"));
        Assert.That(((BucketTransportReference)reference).Image.Location.Bucket, Is.EqualTo(dir.Path));
    }

    [TestCase("s3://b/app:v1", true)]
    [TestCase("gs://b", true)]
    [TestCase("az://c/", true)]
    [TestCase("local://./store/app:v1", true)]
    [TestCase("local:///abs", true)]
    [TestCase("S3://b/app:v1", false)]
    [TestCase("s3:/b/app", false)]
    [TestCase("alpine", false)]
    [TestCase("alpine:3.20", false)]
    [TestCase("docker.io/library/alpine:latest", false)]
    [TestCase("localhost:5000/app:v1", false)]
    [TestCase("docker://alpine", false)]
    [TestCase("oci:dir:tag", false)]
    [TestCase("", false)]
    public void Bucket_transports_claim_exactly_their_scheme_prefix(string text, bool expected) =>
        Assert.That(Registry().Transports.OfType<BucketTransport>().Any(t => t.Claims(text)), Is.EqualTo(expected));

    [Test]
    public void TextWithoutAPrefixIsARegistryReferenceByDockersRules()
    {
        var reference = Registry().Parse("alpine", EndRole.Source);

        Assert.That(reference, Is.TypeOf<RegistryTransportReference>());
        Assert.That(reference.Describe(), Is.EqualTo("docker.io/library/alpine:latest"));
        Assert.That(reference.Registry, Is.EqualTo("docker.io"));
        Assert.That(reference.RepoTag, Is.EqualTo("docker.io/library/alpine:latest"));
    }

    [Test]
    public void AnUnknownSchemeIsOneUsageErrorListingWhatIsKnown()
    {
        var e = Assert.Throws<UsageException>(() => Registry().Parse("ftp://host/app:1", EndRole.Source))!;

        Assert.That(e.Message, Is.EqualTo("'ftp://host/app:1' has an unknown scheme"));
        Assert.That(e.Hint, Is.EqualTo("use SCHEME://BUCKET/IMAGE:TAG (s3, gs, az, local), oci:DIR[:TAG], oci-archive:FILE[:TAG] or a registry reference like ghcr.io/org/app:1"));
    }

    [Test]
    public void ASchemeInTheWrongCaseIsUnknownRatherThanARegistryHost()
    {
        var e = Assert.Throws<UsageException>(() => Registry().Parse("S3://bucket/app:1", EndRole.Source))!;

        Assert.That(e.Message, Is.EqualTo("'S3://bucket/app:1' has an unknown scheme"));
    }

    [Test]
    public void ABucketDestinationMustNameATag()
    {
        const string text = "s3://bucket/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        Assert.That(Registry().Parse(text, EndRole.Source).Describe(), Is.EqualTo(text));
        var e = Assert.Throws<UsageException>(() => Registry().Parse(text, EndRole.Destination))!;
        Assert.That(e.Message, Is.EqualTo($"copy writes a tag; '{text}' names a digest"));
        Assert.That(e.Hint, Is.EqualTo("write s3://bucket/app:TAG"));
    }

    [Test]
    public void ARegisteredTransportIsFoundByItsPrefixAndNamedInTheHint()
    {
        var test = new TestTransport();
        var registry = Registry(test);

        var reference = registry.Parse("test:anything", EndRole.Destination);

        Assert.That(reference.Transport, Is.SameAs(test));
        Assert.That(reference.Describe(), Is.EqualTo("test:anything"));
        var e = Assert.Throws<UsageException>(() => registry.Parse("nope://x", EndRole.Source))!;
        Assert.That(e.Hint, Does.Contain("oci-archive:FILE[:TAG], test:NAME or a registry reference"));
    }

    [Test]
    public void BucketReferencesNameTheirImageForDestinationsThatWantOne()
    {
        var reference = Registry().Parse("s3://bucket/org/app:v1", EndRole.Source);

        Assert.That(reference.RepoTag, Is.EqualTo("org/app:v1"));
        Assert.That(reference.Registry, Is.Null);
    }

    // Nothing here opens a test transport: registration and dispatch are what is shown.
    private sealed class TestTransport : IImageTransport
    {
        public string Name => "test";
        public string Syntax => "test:NAME";
        public bool Claims(string text) => text.StartsWith("test:", StringComparison.Ordinal);
        public TransportReference Parse(string text, EndRole role) => new TestReference(this, text);
        public Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct) => throw new NotSupportedException();
        public Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed record TestReference(IImageTransport Transport, string Text) : TransportReference(Transport)
    {
        public override string Describe() => Text;
    }
}
