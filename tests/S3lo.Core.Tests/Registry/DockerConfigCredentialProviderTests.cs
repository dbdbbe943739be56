using System.Text;
using S3lo.Core.Errors;
using S3lo.Core.Registry;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Registry;

[TestFixture]
public class DockerConfigCredentialProviderTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TempDir _temp = null!;
    private string _configDir = null!;
    private string _binDir = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDir("docker-config");
        _configDir = _temp.Sub("docker");
        _binDir = _temp.Sub("bin");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    /// <summary>The provider sees a PATH with the temp bin directory first (the process environment is left alone: tests run in parallel).</summary>
    private DockerConfigCredentialProvider Provider(string json)
    {
        File.WriteAllText(Path.Combine(_configDir, "config.json"), json);
        var path = _binDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        return new DockerConfigCredentialProvider(_configDir, name => name == "PATH" ? path : Environment.GetEnvironmentVariable(name), TimeSpan.FromSeconds(20));
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>A fake docker-credential-NAME: a shell script that answers 'get' from the server URL on stdin.</summary>
    private void WriteHelper(string name, string script)
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "the fake helper is a shell script");
        var path = Path.Combine(_binDir, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Test]
    public async Task ReadsBase64AuthForTheHost()
    {
        var provider = Provider("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + B64("alice:pa:ss") + "\"}}}");
        var credential = await provider.GetAsync("registry.example.com", None);
        Assert.That(credential!.Username, Is.EqualTo("alice"));
        Assert.That(credential.Password, Is.EqualTo("pa:ss"), "the password may contain ':'");
        Assert.That(credential.ToString(), Does.Not.Contain("pa:ss"), "secrets never show in ToString");
    }

    [TestCase("127.0.0.1:5001")]
    [TestCase("127.0.0.1")]
    [TestCase("registry.example.com.evil.example")]
    [TestCase("evil.example")]
    [TestCase("docker.io")]
    public async Task A_login_is_given_to_its_own_host_only(string otherHost)
    {
        var provider = Provider("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + B64("a:1") + "\"},\"https://registry.example.com/v2/\":{\"auth\":\"" + B64("b:2") + "\"}}}");
        Assert.That((await provider.GetAsync("127.0.0.1:5000", None))!.Username, Is.EqualTo("a"));
        Assert.That((await provider.GetAsync("registry.example.com", None))!.Username, Is.EqualTo("b"));
        Assert.That(await provider.GetAsync(otherHost, None), Is.Null);
    }

    [Test]
    public async Task ReadsUsernameAndPasswordFields()
    {
        var provider = Provider("""{"auths":{"127.0.0.1:5000":{"username":"bob","password":"secret"}}}""");
        var credential = await provider.GetAsync("127.0.0.1:5000", None);
        Assert.That((credential!.Username, credential.Password), Is.EqualTo(("bob", "secret")));
    }

    [Test]
    public async Task MatchesKeysWrittenAsUrls()
    {
        var provider = Provider("{\"auths\":{\"https://registry.example.com/v1/\":{\"auth\":\"" + B64("u:p") + "\"}}}");
        Assert.That((await provider.GetAsync("registry.example.com", None))!.Username, Is.EqualTo("u"));
        Assert.That(await provider.GetAsync("other.example.com", None), Is.Null);
    }

    [Test]
    public async Task DockerHubUsesTheIndexServerKey()
    {
        var provider = Provider("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + B64("hubuser:hubpass") + "\"}}}");
        Assert.That((await provider.GetAsync("docker.io", None))!.Username, Is.EqualTo("hubuser"));
    }

    [Test]
    public async Task ReadsIdentityTokens()
    {
        var provider = Provider("""{"auths":{"ghcr.io":{"username":"u","identitytoken":"refresh-me"}}}""");
        var credential = await provider.GetAsync("ghcr.io", None);
        Assert.That(credential!.IdentityToken, Is.EqualTo("refresh-me"));
        Assert.That(credential.ToString(), Does.Not.Contain("refresh-me"));
    }

    [Test]
    public async Task MissingFileOrHostMeansNoCredentials()
    {
        var provider = new DockerConfigCredentialProvider(_temp.Sub("empty"));
        Assert.That(await provider.GetAsync("ghcr.io", None), Is.Null);
        var withOther = Provider("""{"auths":{"ghcr.io":{"auth":""}}}""");
        Assert.That(await withOther.GetAsync("ghcr.io", None), Is.Null, "an empty entry (docker writes them next to a credsStore) is no credential");
        Assert.That(await withOther.GetAsync("quay.io", None), Is.Null);
    }

    [Test]
    public void InvalidBase64IsAClearError()
    {
        var provider = Provider("""{"auths":{"ghcr.io":{"auth":"not base64!"}}}""");
        var e = Assert.ThrowsAsync<S3loException>(() => provider.GetAsync("ghcr.io", None))!;
        Assert.That(e.Message, Does.Contain("ghcr.io").And.Contain("base64"));
    }

    [Test]
    public void MalformedJsonNamesTheFile()
    {
        var provider = Provider("{\"auths\": [");
        var e = Assert.ThrowsAsync<S3loException>(() => provider.GetAsync("ghcr.io", None))!;
        Assert.That(e.Message, Does.Contain("config.json"));
    }

    [Test]
    public async Task CredHelpersRunTheNamedHelperWithTheServerUrlOnStdin()
    {
        WriteHelper("test", """
            [ "$1" = get ] || exit 3
            url=$(cat)
            printf '{"ServerURL":"%s","Username":"user-for-%s","Secret":"s3cret"}' "$url" "$url"
            """);
        var provider = Provider("""{"credHelpers":{"registry.example.com":"test"},"auths":{"registry.example.com":{"username":"file","password":"file"}}}""");
        var credential = await provider.GetAsync("registry.example.com", None);
        Assert.That(credential!.Username, Is.EqualTo("user-for-registry.example.com"));
        Assert.That(credential.Password, Is.EqualTo("s3cret"));
    }

    [Test]
    public async Task CredsStoreServesEveryHostAndDockerHubGetsItsUrl()
    {
        WriteHelper("test", """
            url=$(cat)
            printf '{"ServerURL":"%s","Username":"%s","Secret":"x"}' "$url" "$url"
            """);
        var provider = Provider("""{"credsStore":"test"}""");
        Assert.That((await provider.GetAsync("docker.io", None))!.Username, Is.EqualTo("https://index.docker.io/v1/"));
        Assert.That((await provider.GetAsync("127.0.0.1:5000", None))!.Username, Is.EqualTo("127.0.0.1:5000"));
    }

    [Test]
    public async Task HelperTokenUsernameMeansAnIdentityToken()
    {
        WriteHelper("test", """printf '{"ServerURL":"x","Username":"<token>","Secret":"refresh"}'""");
        var credential = await Provider("""{"credsStore":"test"}""").GetAsync("ghcr.io", None);
        Assert.That(credential!.IdentityToken, Is.EqualTo("refresh"));
        Assert.That(credential.Username, Is.Null);
    }

    [Test]
    public async Task HelperWithoutCredentialsFallsBackToAuths()
    {
        WriteHelper("test", """
            echo "credentials not found in native keychain"
            exit 1
            """);
        var provider = Provider("{\"credsStore\":\"test\",\"auths\":{\"ghcr.io\":{\"auth\":\"" + B64("u:p") + "\"}}}");
        Assert.That((await provider.GetAsync("ghcr.io", None))!.Username, Is.EqualTo("u"));
        Assert.That(await provider.GetAsync("quay.io", None), Is.Null);
    }

    [Test]
    public void FailingHelperIsAClearError()
    {
        WriteHelper("test", """
            echo "keychain locked" >&2
            exit 2
            """);
        var e = Assert.ThrowsAsync<S3loException>(() => Provider("""{"credsStore":"test"}""").GetAsync("ghcr.io", None))!;
        Assert.That(e.Message, Does.Contain("docker-credential-test").And.Contain("keychain locked").And.Contain("exit code 2"));
    }

    [Test]
    public void MissingHelperIsAClearError()
    {
        var e = Assert.ThrowsAsync<S3loException>(() => Provider("""{"credHelpers":{"ghcr.io":"nosuchhelper"}}""").GetAsync("ghcr.io", None))!;
        Assert.That(e.Message, Does.Contain("docker-credential-nosuchhelper").And.Contain("not found on PATH").And.Contain("credHelpers"));
        Assert.That(e.Hint, Does.Contain("--creds"));
    }

    [Test]
    public void HelperNamesCannotBePaths()
    {
        var e = Assert.ThrowsAsync<S3loException>(() => Provider("""{"credsStore":"../../bin/sh"}""").GetAsync("ghcr.io", None))!;
        Assert.That(e.Message, Does.Contain("invalid credential helper name"));
    }

    [Test]
    public void HangingHelperTimesOut()
    {
        WriteHelper("slow", "sleep 30");
        File.WriteAllText(Path.Combine(_configDir, "config.json"), """{"credsStore":"slow"}""");
        var path = _binDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        var provider = new DockerConfigCredentialProvider(_configDir, n => n == "PATH" ? path : null, TimeSpan.FromMilliseconds(500));
        var e = Assert.ThrowsAsync<S3loException>(() => provider.GetAsync("ghcr.io", None))!;
        Assert.That(e.Message, Does.Contain("did not answer"));
    }

    [Test]
    public void DOCKERCONFIGNamesTheDirectory()
    {
        var provider = new DockerConfigCredentialProvider(null, n => n == "DOCKER_CONFIG" ? "/some/dir" : null);
        Assert.That(provider.ConfigPath, Is.EqualTo(Path.Combine("/some/dir", "config.json")));
    }
}

[TestFixture]
public class RegistryCredentialTests
{
    [Test]
    public void ParsesUserPasswordWithColonsInThePassword()
    {
        var c = RegistryCredential.ParseUserPassword("user:pa:ss");
        Assert.That((c.Username, c.Password), Is.EqualTo(("user", "pa:ss")));
        Assert.That(c.ToString(), Does.Not.Contain("pa:ss"));
    }

    [TestCase("nocolon")]
    [TestCase(":password")]
    [TestCase("")]
    public void Malformed_creds_are_usage_errors(string text)
    {
        var e = Assert.Throws<UsageException>(() => RegistryCredential.ParseUserPassword(text, "--dest-creds"))!;
        Assert.That(e.Message, Does.Contain("--dest-creds"));
    }

    [Test]
    public async Task ChainReturnsTheFirstCredentialFound()
    {
        var first = new StaticCredentialProvider(new RegistryCredential("a", "1"), onlyForRegistry: "ghcr.io");
        var second = new StaticCredentialProvider(new RegistryCredential("b", "2"));
        var chain = new ChainCredentialProvider(first, second);
        Assert.That((await chain.GetAsync("ghcr.io", CancellationToken.None))!.Username, Is.EqualTo("a"));
        Assert.That((await chain.GetAsync("quay.io", CancellationToken.None))!.Username, Is.EqualTo("b"));
        Assert.That(await new ChainCredentialProvider().GetAsync("quay.io", CancellationToken.None), Is.Null);
    }
}
