using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Registry;

/// <summary>
/// Copies through the REAL registries that demand credentials: the htpasswd (Basic) instance of
/// eng/services.sh, and a third docker-registry started here with bearer-token auth against an
/// in-process token issuer (ES256 JWTs signed by a test key its rootcertbundle trusts).
/// </summary>
[TestFixture]
[NonParallelizable]
public class RegistryAuthCopyTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PlatformSpec Amd64 = PlatformSpec.Parse("linux/amd64");
    private RegistryFixtureImages _fixture = null!;
    private RegistryTokenIssuer _issuer = null!;
    private RegistryTokenInstance _tokenRegistry = null!;
    private string _prefix = null!;
    private string _user = null!;
    private string _password = null!;
    private TempDir _temp = null!;

    [OneTimeSetUp]
    public async Task SetUpFixture()
    {
        _user = RegistryTestEnvironment.User;
        _password = RegistryTestEnvironment.Password;
        _ = RegistryTestEnvironment.AuthRegistry;
        _prefix = RegistryTestEnvironment.UniquePrefix();
        _fixture = await RegistryFixtureImages.CreateAsync();
        _issuer = new RegistryTokenIssuer(_user, _password);
        _tokenRegistry = await RegistryTokenInstance.StartAsync(_issuer);
    }

    [OneTimeTearDown]
    public async Task TearDownFixture()
    {
        _tokenRegistry?.Dispose();
        _issuer?.Dispose();
        if (_fixture is not null) await _fixture.DisposeAsync();
    }

    [SetUp]
    public void SetUp() => _temp = new TempDir("registry-auth");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private RegistryClientOptions Options(string? user = null, string? password = null, RegistryTestLogger? logger = null) => new()
    {
        Credentials = user is null ? null : new StaticCredentialProvider(new RegistryCredential(user, password)),
        Logger = logger ?? new RegistryTestLogger(),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    private RegistryClientOptions WithCreds(RegistryTestLogger? logger = null) => Options(_user, _password, logger);

    private static Task<TransferReport> CopyAsync(IImageSource source, IImageDestination destination, PlatformSpec? platform = null) =>
        new TransferEngine().TransferAsync(source, destination, new TransferOptions { Platform = platform, PlatformIsExplicit = platform is not null }, None);

    private BucketImageSource FixtureSource(string tag = FixtureStore.Tag) => new(_fixture.Bucket, FixtureStore.Repository, tag, null);

    /// <summary>bucket → registry (index, all present platforms) → a fresh local store; both ends byte-exact.</summary>
    private async Task RoundTripAsync(string registry, string repository)
    {
        var target = RegistryReference.Parse($"{registry}/{_prefix}/{repository}:multi");
        var logger = new RegistryTestLogger();
        await using (var destination = RegistryImageDestination.Open(target.ToString(), WithCreds(logger)))
        {
            var report = await CopyAsync(FixtureSource(RegistryFixtureImages.PresentTag), destination);
            Assert.That(report.Digest, Is.EqualTo(_fixture.PresentIndex.Digest));
        }
        Assert.That(logger.All, Does.Not.Contain(_password), "no password in the logs");

        await using var back = new S3lo.Core.Bucket.ImageBucket(new LocalObjectStore(_temp.Sub("back")));
        await using (var source = RegistryImageSource.Open(target.ToString(), WithCreds()))
            await CopyAsync(source, new BucketImageDestination(back, "alpine", "multi", TimeProvider.System));
        var stored = (await back.ReadTagAsync("alpine", "multi", None))!.Manifest;
        Assert.That(stored.Bytes, Is.EqualTo(_fixture.PresentIndex.Bytes));

        var raw = await RegistrySkopeo.InspectRawAsync(target.ToString(), $"{_user}:{_password}");
        Assert.That(raw, Is.EqualTo(_fixture.PresentIndex.Bytes), "skopeo, logging in itself, reads the same index");
    }

    [Test]
    public Task Basic_auth_registry_round_trip() => RoundTripAsync(RegistryTestEnvironment.AuthRegistry, "basic/alpine");

    [Test]
    public async Task TokenAuthRegistryRoundTripWithCachedTokens()
    {
        var before = _issuer.TokensIssued;
        var requestsBefore = _issuer.Requests.Count();
        await RoundTripAsync(_tokenRegistry.Authority, "token/alpine");
        // Dozens of registry requests: one pull,push token for the upload, one pull token for the copy back, skopeo's own.
        Assert.That(_issuer.TokensIssued - before, Is.LessThanOrEqualTo(5), "tokens are cached per scope, not fetched per request");
        Assert.That(_issuer.Requests.Skip(requestsBefore).Where(r => r.Path == "/token").Select(r => r.Headers.GetValueOrDefault("Authorization")),
            Has.All.StartWith("Basic "), "tokens were asked for with the credentials");
    }

    [Test]
    public async Task TokenClientFetchesOneTokenPerScope()
    {
        var target = RegistryReference.Parse($"{_tokenRegistry.Authority}/{_prefix}/cache/alpine:amd64");
        using var client = RegistryClient.For(target, WithCreds());
        await using (var destination = new RegistryImageDestination(client, target))
            await CopyAsync(FixtureSource(), destination, Amd64);
        Assert.That(client.Authenticator.TokensFetched, Is.EqualTo(1), "one pull,push token served every request of the push");
        await using (var source = new RegistryImageSource(client, target))
            await CopyAsync(source, new BucketImageDestination(new S3lo.Core.Bucket.ImageBucket(new LocalObjectStore(_temp.Sub("b"))), "a", "b", TimeProvider.System));
        Assert.That(client.Authenticator.TokensFetched, Is.EqualTo(1), "the cached pull,push token covers the pull too");
    }

    [TestCase("basic")]
    [TestCase("token")]
    public void Anonymous_push_is_refused_with_a_hint(string kind)
    {
        var registry = kind == "basic" ? RegistryTestEnvironment.AuthRegistry : _tokenRegistry.Authority;
        var target = $"{registry}/{_prefix}/anon/alpine:v1";
        var e = Assert.ThrowsAsync<S3loException>(async () =>
        {
            await using var destination = RegistryImageDestination.Open(target, Options());
            await CopyAsync(FixtureSource(), destination, Amd64);
        })!;
        Assert.That(e.Message, Does.Contain("authentication required"));
        Assert.That(e.Hint, Does.Contain("--creds"));
    }

    [TestCase("basic")]
    [TestCase("token")]
    public void Wrong_password_is_refused(string kind)
    {
        var registry = kind == "basic" ? RegistryTestEnvironment.AuthRegistry : _tokenRegistry.Authority;
        var e = Assert.ThrowsAsync<S3loException>(async () =>
        {
            await using var source = RegistryImageSource.Open($"{registry}/{_prefix}/whatever/alpine:v1", Options(_user, "wrong-password"));
            await source.GetRootAsync(None);
        })!;
        Assert.That(e.Message, Does.Contain(kind == "basic" ? "authentication required" : "refused the credentials"));
        Assert.That(e.Message, Does.Not.Contain("wrong-password"));
    }

    [Test]
    public async Task CredentialsComeFromADockerConfig()
    {
        var dir = _temp.Sub("docker");
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{_user}:{_password}"));
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"),
            $"{{\"auths\":{{\"{RegistryTestEnvironment.AuthRegistry}\":{{\"auth\":\"{auth}\"}}}}}}");
        var options = Options() with { Credentials = new ChainCredentialProvider(new DockerConfigCredentialProvider(dir)) };
        await using var destination = RegistryImageDestination.Open($"{RegistryTestEnvironment.AuthRegistry}/{_prefix}/config/alpine:v1", options);
        var report = await CopyAsync(FixtureSource(), destination, Amd64);
        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }
}
