using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Core.Tests.Registry;

[TestFixture]
public class RegistryReferenceTests
{
    private const string Hex = "25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659";

    [TestCase("alpine", "docker.io/library/alpine:latest")]
    [TestCase("alpine:3.20", "docker.io/library/alpine:3.20")]
    [TestCase("library/alpine", "docker.io/library/alpine:latest")]
    [TestCase("user/app:1", "docker.io/user/app:1")]
    [TestCase("user/team/app:1", "docker.io/user/team/app:1")]
    [TestCase("docker.io/alpine", "docker.io/library/alpine:latest")]
    [TestCase("docker.io/library/alpine:edge", "docker.io/library/alpine:edge")]
    [TestCase("index.docker.io/alpine", "docker.io/library/alpine:latest")]
    [TestCase("index.docker.io/user/app", "docker.io/user/app:latest")]
    [TestCase("ghcr.io/org/app:v1", "ghcr.io/org/app:v1")]
    [TestCase("quay.io/org/sub/app", "quay.io/org/sub/app:latest")]
    [TestCase("registry.example.com:443/ns/app:1.0", "registry.example.com:443/ns/app:1.0")]
    [TestCase("localhost/app", "localhost/app:latest")]
    [TestCase("localhost:5000/app:1", "localhost:5000/app:1")]
    [TestCase("127.0.0.1:5000/a/b/c:tag", "127.0.0.1:5000/a/b/c:tag")]
    [TestCase("[::1]:5000/app", "[::1]:5000/app:latest")]
    [TestCase("foo:5000", "docker.io/library/foo:5000")] // no '/': the part after ':' is a tag, like docker
    [TestCase("MyHost/app", "MyHost/app:latest")] // upper case in the first component makes it a host, like docker
    [TestCase("a.b/c__d/e-f.g:T_1.0-x", "a.b/c__d/e-f.g:T_1.0-x")]
    [TestCase("app---x/y", "docker.io/app---x/y:latest")]
    [TestCase("docker://alpine", "docker.io/library/alpine:latest")]
    [TestCase("docker://ghcr.io/org/app:1", "ghcr.io/org/app:1")]
    [TestCase("alpine@sha256:" + Hex, "docker.io/library/alpine@sha256:" + Hex)]
    [TestCase("alpine:3.20@sha256:" + Hex, "docker.io/library/alpine:3.20@sha256:" + Hex)]
    [TestCase("localhost:5000/app@sha256:" + Hex, "localhost:5000/app@sha256:" + Hex)]
    public void Normalises_like_docker(string text, string expected)
    {
        var reference = RegistryReference.Parse(text);
        Assert.That(reference.ToString(), Is.EqualTo(expected));
        Assert.That(RegistryReference.Parse(reference.ToString()), Is.EqualTo(reference), "the normalised form parses back to the same reference");
    }

    [Test]
    public void SplitsIntoRegistryRepositoryTagAndDigest()
    {
        var r = RegistryReference.Parse("ghcr.io/org/app:1.2@sha256:" + Hex);
        Assert.Multiple(() =>
        {
            Assert.That(r.Registry, Is.EqualTo("ghcr.io"));
            Assert.That(r.Repository, Is.EqualTo("org/app"));
            Assert.That(r.Tag, Is.EqualTo("1.2"));
            Assert.That(r.Digest?.ToString(), Is.EqualTo("sha256:" + Hex));
            Assert.That(r.Reference, Is.EqualTo("sha256:" + Hex), "the digest wins over the tag");
            Assert.That(r.ApiHost, Is.EqualTo("ghcr.io"));
        });
    }

    [Test]
    public void DigestOnlyHasNoImplicitTag()
    {
        var r = RegistryReference.Parse("alpine@sha256:" + Hex);
        Assert.That(r.Tag, Is.Null);
        Assert.That(r.Reference, Is.EqualTo("sha256:" + Hex));
    }

    [Test]
    public void DockerHubIsServedByRegistry1()
    {
        var r = RegistryReference.Parse("alpine");
        Assert.That(r.IsDockerHub, Is.True);
        Assert.That(r.ApiHost, Is.EqualTo("registry-1.docker.io"));
        Assert.That(r.Reference, Is.EqualTo("latest"));
    }

    [TestCase("localhost/app", true)]
    [TestCase("localhost:5000/app", true)]
    [TestCase("127.0.0.1:39500/app", true)]
    [TestCase("127.1.2.3/app", true)]
    [TestCase("[::1]:5000/app", true)]
    [TestCase("10.0.0.1:5000/app", false)]
    [TestCase("localhost.example.com/app", false)]
    [TestCase("ghcr.io/app", false)]
    [TestCase("alpine", false)]
    public void Knows_loopback_hosts(string text, bool loopback) =>
        Assert.That(RegistryReference.Parse(text).IsLoopback, Is.EqualTo(loopback));

    [TestCase("", "empty")]
    [TestCase("docker://", "empty")]
    [TestCase(" alpine", "whitespace")]
    [TestCase("alpine\n", "whitespace")]
    [TestCase("Alpine", "lowercase")]
    [TestCase("ghcr.io/Org/app", "lowercase")]
    [TestCase("alpine:", "empty tag")]
    [TestCase("alpine:-x", "invalid tag")]
    [TestCase("alpine:.x", "invalid tag")]
    [TestCase("a:b:c", "invalid tag")]
    [TestCase("alpine@", "invalid digest")]
    [TestCase("alpine@sha256:abc", "invalid digest")]
    [TestCase("alpine@sha256:" + "25109184C71BDAD752C8312A8623239686A9A2071E8825F20ACB8F2198C3F659", "invalid digest")]
    [TestCase("alpine@sha512:" + Hex + Hex, "only sha256")]
    [TestCase("http://ghcr.io/app", "URL scheme")]
    [TestCase("https://ghcr.io/app:1", "URL scheme")]
    [TestCase("ghcr.io/", "no repository")]
    [TestCase("ghcr.io//app", "empty path component")]
    [TestCase("ghcr.io/app/", "empty path component")]
    [TestCase("-alpine", "invalid repository name component")]
    [TestCase("ghcr.io/a..b", "invalid repository name component")]
    [TestCase("ghcr.io/a/../b", "invalid repository name component")]
    [TestCase("host:port:x/app", "invalid registry host")]
    [TestCase("-bad.host/app", "invalid registry host")]
    [TestCase(Hex, "64-digit hex")]
    [TestCase("@sha256:" + Hex, "names no image")]
    [TestCase(":latest", "names no image")]
    public void Rejects_malformed_references_as_usage_errors(string text, string expectedFragment)
    {
        var e = Assert.Throws<UsageException>(() => RegistryReference.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.Contain(expectedFragment));
            Assert.That(e, Is.TypeOf<UsageException>(), "a usage error: exit code 2");
            Assert.That(e.Message, Does.Not.Contain("\n"), "one line");
            Assert.That(e.Hint, Is.Not.Null.And.Not.Empty, "every rejection says how to write it");
        });
    }

    [Test]
    public void UpperCaseRepositoryHintShowsTheLowercaseForm()
    {
        var e = Assert.Throws<UsageException>(() => RegistryReference.Parse("ghcr.io/Org/App:1"))!;
        Assert.That(e.Hint, Does.Contain("org/app"));
    }

    [Test]
    public void NameLongerThan255CharactersIsRefused()
    {
        var name = "ghcr.io/" + string.Join("/", Enumerable.Repeat(new string('a', 50), 6));
        Assert.Throws<UsageException>(() => RegistryReference.Parse(name));
    }

    [Test]
    public void TryParseReportsFailureWithoutThrowing()
    {
        Assert.That(RegistryReference.TryParse("Bad Ref", out var none), Is.False);
        Assert.That(none, Is.Null);
        Assert.That(RegistryReference.TryParse("alpine", out var some), Is.True);
        Assert.That(some!.Repository, Is.EqualTo("library/alpine"));
    }

    [Test]
    public void WithTagWithDigestAndWithRepositoryKeepTheRegistry()
    {
        var r = RegistryReference.Parse("127.0.0.1:5000/app:1");
        Assert.That(r.WithTag("2").ToString(), Is.EqualTo("127.0.0.1:5000/app:2"));
        Assert.That(r.WithDigest(S3lo.Core.Digests.Digest.Parse("sha256:" + Hex)).ToString(), Is.EqualTo("127.0.0.1:5000/app@sha256:" + Hex));
        Assert.That(r.WithRepository("other/app").ToString(), Is.EqualTo("127.0.0.1:5000/other/app:1"));
        Assert.Throws<UsageException>(() => r.WithTag("bad tag"));
        Assert.Throws<UsageException>(() => r.WithRepository("Bad"));
    }
}
