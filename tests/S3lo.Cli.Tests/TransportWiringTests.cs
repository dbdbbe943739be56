using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Transports;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Tests;

/// <summary>The transports the host registers (HostServices, as Program.cs does), in the order hints list them.</summary>
public sealed class TransportWiringTests
{
    private static TransportRegistry HostRegistry() =>
        new ServiceCollection()
            .AddS3lo()
            .BuildServiceProvider()
            .GetRequiredService<TransportRegistry>();

    [Test]
    public void EveryTransportIsRegisteredInHintOrder() =>
        Assert.That(HostRegistry().Transports.Select(t => t.Name),
            Is.EqualTo(new[] { "s3", "gs", "az", "local", "oci", "oci-archive", "docker-archive", "docker-daemon", "docker" }));

    [Test]
    public void TheDockerArchiveTransportIsFoundByItsPrefix()
    {
        var reference = HostRegistry().Parse("docker-archive:./app.tar:app:v1", EndRole.Destination);

        Assert.That(reference.Transport.Name, Is.EqualTo("docker-archive"));
        Assert.That(reference.RepoTag, Is.EqualTo("app:v1"));
    }

    [Test]
    public void TheUnknownSchemeHintListsEveryRegisteredForm()
    {
        var e = Assert.Throws<S3lo.Core.Errors.UsageException>(() => HostRegistry().Parse("ftp://x/app:1", EndRole.Source))!;

        Assert.That(e.Message, Is.EqualTo("'ftp://x/app:1' has an unknown scheme"));
        Assert.That(e.Hint, Is.EqualTo("use SCHEME://BUCKET/IMAGE:TAG (s3, gs, az, local), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker-daemon:NAME[:TAG] or a registry reference like ghcr.io/org/app:1"));
    }
}
