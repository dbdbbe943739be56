using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Core.Tests.Registry;

/// <summary>The realm of a Bearer challenge is untrusted input: it decides where credentials are sent.</summary>
[TestFixture]
public class RegistryAuthenticatorTests
{
    private static RegistryAuthenticator Authenticator(string apiHost = "registry.example.com", bool insecure = false)
    {
        var unused = new HttpMessageInvoker(new HttpClientHandler());
        return new RegistryAuthenticator(apiHost, apiHost, insecure, null, unused, unused, "s3lo-test", NullLogger.Instance, TimeProvider.System);
    }

    private static IReadOnlyList<AuthChallenge> Bearer(string realm) => AuthChallenge.ParseAll($"Bearer realm=\"{realm}\",service=\"s\"");

    [TestCase("https://auth.example.org/token")]
    [TestCase("https://registry.example.com/token?x=1")]
    [TestCase("http://127.0.0.1:5001/token")]
    [TestCase("http://localhost/token")]
    [TestCase("http://auth.example.org/token")] // usable for an anonymous token; the credentials stay home (below)
    public void Accepts_http_and_https_realms(string realm) =>
        Assert.That(Authenticator().Learn(Bearer(realm)), Is.True);

    [TestCase("ftp://auth.example.org/token", "not an http(s) URL")]
    [TestCase("file:///etc/passwd", "not an http(s) URL")]
    [TestCase("/relative/token", "not an http(s) URL")]
    [TestCase("https://user:pw@auth.example.org/token", "user info")]
    public void Refuses_realms_that_would_leak_credentials(string realm, string fragment)
    {
        var e = Assert.Throws<S3loException>(() => Authenticator().Learn(Bearer(realm)))!;
        Assert.That(e.Message, Does.Contain(fragment));
    }

    [TestCase("https://auth.example.org/token", "registry.example.com", false, true)] // Docker Hub's shape: https realm on another host
    [TestCase("https://registry.example.com/token", "registry.example.com", false, true)]
    [TestCase("https://auth.example.org/token", "127.0.0.1:5000", false, true)]
    [TestCase("http://auth.example.org/token", "registry.example.com", false, false)]
    [TestCase("http://auth.example.org/token", "registry.example.com", true, false)] // --insecure is about the registry, not a realm elsewhere
    [TestCase("http://auth.example.org/token", "127.0.0.1:5000", false, false)]
    [TestCase("http://192.0.2.2:5001/token", "127.0.0.1:5000", false, false)]
    [TestCase("http://127.0.0.1:5001/token", "registry.example.com", false, false)]
    [TestCase("http://registry.example.com/token", "registry.example.com", false, false)] // the registry is https: no downgrade
    [TestCase("http://registry.example.com:5000/token", "registry.example.com:5000", true, true)] // --insecure: the registry is http anyway
    [TestCase("http://127.0.0.1:5001/token", "127.0.0.1:5000", false, true)]
    [TestCase("http://127.0.0.2:5001/token", "127.0.0.1:5000", false, true)]
    [TestCase("http://localhost:5001/token", "localhost:5000", false, true)]
    [TestCase("http://[::1]:5001/token", "127.0.0.1:5000", false, true)]
    public void A_realm_gets_credentials_over_https_or_plain_http_loopback_to_loopback(string realm, string apiHost, bool insecure, bool sent)
    {
        var reason = RegistryAuthenticator.RealmMayReceiveCredentials(new Uri(realm), apiHost, insecure);
        Assert.That(reason is null, Is.EqualTo(sent), reason);
        if (!sent) Assert.That(reason, Does.StartWith("it is plain http on "));
    }

    [Test]
    public void PrefersBearerOverBasic()
    {
        var authenticator = Authenticator();
        Assert.That(authenticator.Learn(AuthChallenge.ParseAll("Basic realm=\"r\", Bearer realm=\"https://a.example/t\"")), Is.True);
        Assert.That(authenticator.Challenge!.IsBearer, Is.True);
        Assert.That(Authenticator().Learn(AuthChallenge.ParseAll("Negotiate")), Is.False);
    }

    [TestCase("repository:a/b:pull", "repository:a/b:pull,push", true)]
    [TestCase("repository:a/b:pull,push", "repository:a/b:pull", false)]
    [TestCase("repository:a/b:pull", "repository:a/c:pull,push", false)]
    [TestCase("repository:a/b:pull repository:x:pull", "repository:a/b:pull,push repository:x:pull", true)]
    [TestCase("repository:a/b:pull repository:x:pull", "repository:a/b:pull,push", false)]
    [TestCase("registry:catalog:*", "repository:catalog:*", false)]
    public void A_cached_token_serves_requests_its_scopes_cover(string wanted, string held, bool covered) =>
        Assert.That(RegistryAuthenticator.Covers(held.Split(' '), wanted.Split(' ')), Is.EqualTo(covered));

    [TestCase("index.docker.io", "docker.io")]
    [TestCase("docker.io", "docker.io")]
    [TestCase("127.0.0.1:5000", "127.0.0.1:5000")]
    [TestCase("localhost", "localhost")]
    public void Client_takes_registry_hosts(string host, string registry)
    {
        using var client = new RegistryClient(host);
        Assert.That(client.Registry, Is.EqualTo(registry));
    }

    [TestCase("notahost")]
    [TestCase("https://ghcr.io")]
    [TestCase("ghcr.io/org")]
    [TestCase("")]
    public void Client_refuses_what_is_not_a_registry_host(string host) =>
        Assert.Throws<S3lo.Core.Errors.UsageException>(() => new RegistryClient(host));
}
