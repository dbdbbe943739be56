using S3lo.Core.Errors;
using S3lo.Docker.Engine;

namespace S3lo.Docker.Tests.Unit;

public sealed class DockerHostTests
{
    [Test]
    public void WithoutDOCKERHOSTThePlatformDefaultIsUsed()
    {
        var host = DockerHost.Resolve(null);

        Assert.That(host.FromEnvironment, Is.False);
        Assert.That(host.Origin, Is.EqualTo("DOCKER_HOST is not set"));
        if (OperatingSystem.IsWindows())
            Assert.That(host.Display, Is.EqualTo("npipe:////./pipe/docker_engine"));
        else
        {
            Assert.That(host.Display, Is.EqualTo("unix:///var/run/docker.sock"));
            Assert.That(host.Kind, Is.EqualTo(DockerHostKind.UnixSocket));
            Assert.That(host.Address, Is.EqualTo("/var/run/docker.sock"));
        }
        Assert.That(DockerHost.Resolve("  "), Is.EqualTo(host), "empty counts as unset");
    }

    [Test]
    public void AUnixSocketFromDOCKERHOST()
    {
        var host = DockerHost.Resolve("unix:///tmp/x/docker.sock");

        Assert.That(host.Kind, Is.EqualTo(DockerHostKind.UnixSocket));
        Assert.That(host.Address, Is.EqualTo("/tmp/x/docker.sock"));
        Assert.That(host.Display, Is.EqualTo("unix:///tmp/x/docker.sock"));
        Assert.That(host.FromEnvironment, Is.True);
        Assert.That(host.Origin, Is.EqualTo("from DOCKER_HOST"));
    }

    [Test]
    public void ANamedPipe()
    {
        var host = DockerHost.Resolve("npipe:////./pipe/docker_engine_linux");

        Assert.That(host.Kind, Is.EqualTo(DockerHostKind.NamedPipe));
        Assert.That(host.Address, Is.EqualTo("docker_engine_linux"));
    }

    [TestCase("tcp://127.0.0.1:2376", "127.0.0.1:2376")]
    [TestCase("tcp://docker.internal", "docker.internal:2375")]
    [TestCase("http://localhost:80", "localhost:80")]
    public void Plain_tcp(string value, string address)
    {
        var host = DockerHost.Resolve(value);

        Assert.That(host.Kind, Is.EqualTo(DockerHostKind.Tcp));
        Assert.That(host.Address, Is.EqualTo(address));
    }

    [Test]
    public void TcpWithDOCKERTLSVERIFYIsRefusedAsNotSupported()
    {
        var e = Assert.Throws<S3loException>(() => DockerHost.Resolve("tcp://10.0.0.1:2376", tlsVerify: "1"));
        Assert.That(e!.Message, Does.Contain("not supported").And.Contain("DOCKER_TLS_VERIFY"));
    }

    [Test]
    public void AUnixSocketIgnoresDOCKERTLSVERIFY()
    {
        Assert.That(DockerHost.Resolve("unix:///run/docker.sock", tlsVerify: "1").Kind, Is.EqualTo(DockerHostKind.UnixSocket));
    }

    [TestCase("https://10.0.0.1:2376")]
    [TestCase("ssh://user@host")]
    public void Tls_and_ssh_are_not_supported(string value)
    {
        var e = Assert.Throws<S3loException>(() => DockerHost.Resolve(value));
        Assert.That(e!.Message, Does.Contain("not supported").And.Contain(value));
    }

    [TestCase("/var/run/docker.sock")]
    [TestCase("unix://")]
    [TestCase("npipe://docker_engine")]
    [TestCase("fd://")]
    [TestCase("tcp://host/path")]
    public void Malformed_addresses_are_refused_with_the_valid_forms(string value)
    {
        var e = Assert.Throws<S3loException>(() => DockerHost.Resolve(value));
        Assert.That(e!.Message, Does.Contain(value));
        Assert.That(e.Hint, Does.Contain("unix://").And.Contain("tcp://"));
    }
}
