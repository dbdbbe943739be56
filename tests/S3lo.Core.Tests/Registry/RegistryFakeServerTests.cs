using System.Net;
using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;
using S3lo.Providers.Local;

namespace S3lo.Core.Tests.Registry;

/// <summary>
/// What the real registry cannot be made to do — serve wrong bytes, redirect to another host,
/// answer 503 on demand — played by an in-process HttpListener fake. The fake serves the fixture's
/// real alpine manifests and blobs, changing only what each test says.
/// </summary>
[TestFixture]
public class RegistryFakeServerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Repository = "fake/alpine";
    private TempDir _temp = null!;
    private byte[] _manifest = null!;
    private byte[] _config = null!;
    private byte[] _layer = null!;

    [OneTimeSetUp]
    public void LoadFixture()
    {
        string Blob(string digest) => Path.Combine(FixtureStore.Path, "blobs", "sha256", digest["sha256:".Length..]);
        _manifest = File.ReadAllBytes(Blob(FixtureStore.Amd64ManifestDigest));
        _config = File.ReadAllBytes(Blob(FixtureStore.Amd64ConfigDigest));
        _layer = File.ReadAllBytes(Blob(FixtureStore.Amd64LayerDigest));
    }

    [SetUp]
    public void SetUp() => _temp = new TempDir("registry-fake");

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static RegistryClientOptions Options(RegistryTestLogger? logger = null, IRegistryCredentialProvider? credentials = null) => new()
    {
        Logger = logger ?? new RegistryTestLogger(),
        Credentials = credentials,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
    };

    /// <summary>A registry serving the fixture's amd64 image at fake/alpine:v1, with per-test overrides by path.</summary>
    private LoopbackHttpServer Registry(Func<HttpListenerContext, Task<bool>>? overrides = null) => new(async context =>
    {
        if (overrides is not null && await overrides(context)) return;
        var path = context.Request.Url!.AbsolutePath;
        var manifestHeaders = new Dictionary<string, string> { ["Docker-Content-Digest"] = FixtureStore.Amd64ManifestDigest };
        if (path == "/v2/") await LoopbackHttpServer.WriteAsync(context, 200, "{}"u8.ToArray(), "application/json");
        else if (path == $"/v2/{Repository}/manifests/v1" || path == $"/v2/{Repository}/manifests/{FixtureStore.Amd64ManifestDigest}")
            await LoopbackHttpServer.WriteAsync(context, 200, _manifest, MediaTypes.OciManifest, manifestHeaders);
        else if (path == $"/v2/{Repository}/blobs/{FixtureStore.Amd64ConfigDigest}") await LoopbackHttpServer.WriteAsync(context, 200, _config, "application/octet-stream");
        else if (path == $"/v2/{Repository}/blobs/{FixtureStore.Amd64LayerDigest}") await LoopbackHttpServer.WriteAsync(context, 200, _layer, "application/octet-stream");
        else await LoopbackHttpServer.WriteAsync(context, 404, """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"""u8.ToArray(), "application/json");
    });

    private static Task<TransferReport> CopyAsync(IImageSource source, IImageDestination destination) =>
        new TransferEngine().TransferAsync(source, destination, new TransferOptions(), None);

    [Test]
    public async Task FakeRegistryServesTheImageWhenHonest()
    {
        using var server = Registry();
        await using var bucket = new ImageBucket(new LocalObjectStore(_temp.Sub("dest")));
        await using var source = RegistryImageSource.Open($"{server.Authority}/{Repository}:v1", Options());
        var report = await CopyAsync(source, new BucketImageDestination(bucket, "alpine", "v1", TimeProvider.System));
        Assert.That(report.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public async Task WrongBlobBytesAbortTheCopyNamingBothDigestsAndWriteNoTag()
    {
        var wrong = (byte[])_layer.Clone();
        wrong[wrong.Length / 2] ^= 0x5a;
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/blobs/{FixtureStore.Amd64LayerDigest}") return false;
            await LoopbackHttpServer.WriteAsync(context, 200, wrong, "application/octet-stream");
            return true;
        });
        await using var bucket = new ImageBucket(new LocalObjectStore(_temp.Sub("dest")));
        await using var source = RegistryImageSource.Open($"{server.Authority}/{Repository}:v1", Options());
        var e = Assert.ThrowsAsync<DigestMismatchException>(() => CopyAsync(source, new BucketImageDestination(bucket, "alpine", "v1", TimeProvider.System)))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Expected, Is.EqualTo(FixtureStore.Amd64LayerDigest));
            Assert.That(e.Actual, Is.EqualTo(Sha.Of(wrong)));
            Assert.That(e.Message, Does.Contain(FixtureStore.Amd64LayerDigest).And.Contain(Sha.Of(wrong)));
        });
        Assert.That(await bucket.ReadTagAsync("alpine", "v1", None), Is.Null, "no tag at the destination");
        Assert.That(await bucket.HeadBlobAsync(Digest.Parse(FixtureStore.Amd64LayerDigest), None), Is.Null, "no blob under the claimed digest");
    }

    [Test]
    public void ManifestFetchedByDigestMustHashToIt()
    {
        var other = _manifest.Concat(" "u8.ToArray()).ToArray(); // same JSON, other bytes
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/manifests/{FixtureStore.Amd64ManifestDigest}") return false;
            await LoopbackHttpServer.WriteAsync(context, 200, other, MediaTypes.OciManifest);
            return true;
        });
        using var client = new RegistryClient(server.Authority, Options());
        var e = Assert.ThrowsAsync<DigestMismatchException>(() => client.GetManifestAsync(Repository, FixtureStore.Amd64ManifestDigest, None))!;
        Assert.That(e.Expected, Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(e.Actual, Is.EqualTo(Sha.Of(other)));
    }

    [Test]
    public void DockerContentDigestThatDisagreesWithTheBytesIsAMismatch()
    {
        const string claimed = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/manifests/v1") return false;
            await LoopbackHttpServer.WriteAsync(context, 200, _manifest, MediaTypes.OciManifest, new Dictionary<string, string> { ["Docker-Content-Digest"] = claimed });
            return true;
        });
        using var client = new RegistryClient(server.Authority, Options());
        var e = Assert.ThrowsAsync<DigestMismatchException>(() => client.GetManifestAsync(Repository, "v1", None))!;
        Assert.That(e.Message, Does.Contain(claimed).And.Contain(FixtureStore.Amd64ManifestDigest));
    }

    [Test]
    public void OversizedManifestIsRefused()
    {
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/manifests/huge") return false;
            await LoopbackHttpServer.WriteAsync(context, 200, new byte[OciJson.MaxDocumentBytes + 1], MediaTypes.OciManifest);
            return true;
        });
        using var client = new RegistryClient(server.Authority, Options());
        var e = Assert.ThrowsAsync<S3loException>(() => client.GetManifestAsync(Repository, "huge", None))!;
        Assert.That(e.Message, Does.Contain("limit"));
    }

    [Test]
    public async Task BlobRedirectToAnotherHostCarriesNoCredentialsAndLogsNoSignature()
    {
        const string user = "testuser", password = "testpassword";
        var expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        using var storage = new LoopbackHttpServer(async context => await LoopbackHttpServer.WriteAsync(context, 200, _layer, "application/octet-stream"), host: "127.0.0.2");
        using var server = Registry(async context =>
        {
            if (context.Request.Headers["Authorization"] != expectedAuth)
            {
                await LoopbackHttpServer.WriteAsync(context, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""u8.ToArray(),
                    "application/json", new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"fake\"" });
                return true;
            }
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/blobs/{FixtureStore.Amd64LayerDigest}") return false;
            await LoopbackHttpServer.WriteAsync(context, 307, null, null, new Dictionary<string, string>
            {
                ["Location"] = $"http://{storage.Authority}/bucket/blob?X-Amz-Credential=AKIA&X-Amz-Signature=topsecretsignature",
            });
            return true;
        });
        var logger = new RegistryTestLogger();
        var credentials = new StaticCredentialProvider(new RegistryCredential(user, password));
        using var client = new RegistryClient(server.Authority, Options(logger, credentials));
        await using (var stream = await client.OpenBlobAsync(Repository, Digest.Parse(FixtureStore.Amd64LayerDigest), None))
            Assert.That(await Bytes.ReadAllAsync(stream), Is.EqualTo(_layer));

        var atStorage = storage.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(atStorage.Query, Does.Contain("X-Amz-Signature"), "the redirect was followed as given");
            Assert.That(atStorage.Headers.ContainsKey("Authorization"), Is.False, "no Authorization header follows a redirect to another host");
            Assert.That(server.Requests.Any(r => r.Path.Contains("/blobs/") && r.Headers.GetValueOrDefault("Authorization") == expectedAuth), Is.True,
                "the registry itself got the credentials");
            Assert.That(logger.All, Does.Contain(storage.Authority + "/bucket/blob"), "the redirect is logged (host and path)");
            Assert.That(logger.All, Does.Not.Contain("topsecretsignature").And.Not.Contain("X-Amz-Credential"), "never a query string in the logs");
            Assert.That(logger.All, Does.Not.Contain(password).And.Not.Contain(expectedAuth[6..]), "never a credential in the logs");
        });
    }

    [Test]
    public void RedirectFromHttpsToPlainHttpOnAnotherHostIsRefused()
    {
        using var server = new RegistryTlsFakeServer(path => path.Contains("/blobs/", StringComparison.Ordinal)
            ? (307, new Dictionary<string, string> { ["Location"] = "http://storage.example.invalid/blob?sig=x" })
            : (200, new Dictionary<string, string>()));
        using var client = new RegistryClient(server.Authority, Options() with { Insecure = true });
        var e = Assert.ThrowsAsync<S3loException>(() => client.OpenBlobAsync(Repository, Digest.Parse(FixtureStore.Amd64LayerDigest), None))!;
        Assert.That(e.Message, Does.Contain("from https to plain http"));
        Assert.That(client.BaseUri!.Scheme, Is.EqualTo("https"), "https is tried first and used when it answers");
    }

    [Test]
    public void SelfSignedCertificateIsRefusedUnlessInsecure()
    {
        using var server = new RegistryTlsFakeServer(_ => (404, new Dictionary<string, string>()));
        using var client = new RegistryClient(server.Authority, Options());
        // Loopback may fall back to plain http, which this TLS-only server cannot speak either: the error names the registry.
        var e = Assert.ThrowsAsync<S3loException>(() => client.HeadBlobAsync(Repository, Digest.Parse(FixtureStore.Amd64LayerDigest), None))!;
        Assert.That(e.Message, Does.Contain(server.Authority).And.Contain("over https"));
        Assert.That(e.Hint, Does.Contain("--insecure"));
        Assert.That(server.Paths, Is.Empty, "no request was sent over the unverified TLS connection");
    }

    [Test]
    public async Task Retries503HonouringRetryAfterThenSucceeds()
    {
        var failures = 0;
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/manifests/v1" || Interlocked.Increment(ref failures) > 2) return false;
            await LoopbackHttpServer.WriteAsync(context, 503, null, null, new Dictionary<string, string> { ["Retry-After"] = "0" });
            return true;
        });
        var logger = new RegistryTestLogger();
        using var client = new RegistryClient(server.Authority, Options(logger));
        var manifest = await client.GetManifestAsync(Repository, "v1", None);
        Assert.That(manifest.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        Assert.That(server.Requests.Count(r => r.Path.EndsWith("/manifests/v1", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(logger.Lines.Count(l => l.Contains("retry")), Is.EqualTo(2), "every retry is visible in the debug log");
    }

    [Test]
    public void Persistent5xxFailsWithTheStatusAndTheRegistryError()
    {
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != $"/v2/{Repository}/manifests/v1") return false;
            await LoopbackHttpServer.WriteAsync(context, 500, """{"errors":[{"code":"UNKNOWN","message":"disk on fire"}]}"""u8.ToArray(), "application/json");
            return true;
        });
        using var client = new RegistryClient(server.Authority, Options() with { MaxRetries = 2 });
        var e = Assert.ThrowsAsync<S3loException>(() => client.GetManifestAsync(Repository, "v1", None))!;
        Assert.That(e.Message, Does.Contain("HTTP 500").And.Contain("disk on fire"));
        Assert.That(server.Requests.Count(r => r.Path.EndsWith("/manifests/v1", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public void MalformedChallengeIsRefusedClearly()
    {
        using var server = Registry(async context =>
        {
            if (context.Request.Url!.AbsolutePath != "/v2/") return false;
            await LoopbackHttpServer.WriteAsync(context, 401, null, null, new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"unterminated" });
            return true;
        });
        using var client = new RegistryClient(server.Authority, Options());
        var e = Assert.ThrowsAsync<S3loException>(() => client.GetManifestAsync(Repository, "v1", None))!;
        Assert.That(e.Message, Does.Contain("authentication challenge"));
    }

    [Test]
    public async Task BearerRealmOnPlainHttpElsewhereGetsAnAnonymousTokenRequestAndTheLogSaysWhy()
    {
        using var tokens = new LoopbackHttpServer(context => LoopbackHttpServer.WriteAsync(context, 200, """{"token":"anonymous-token"}"""u8.ToArray(), "application/json"),
            host: NonLoopbackAddress());
        using var server = Registry(async context =>
        {
            if (context.Request.Headers["Authorization"] == "Bearer anonymous-token") return false;
            await LoopbackHttpServer.WriteAsync(context, 401, null, null,
                new Dictionary<string, string> { ["WWW-Authenticate"] = $"Bearer realm=\"http://{tokens.Authority}/token\",service=\"x\"" });
            return true;
        });
        var logger = new RegistryTestLogger();
        var credentials = new StaticCredentialProvider(new RegistryCredential("u", "secret-password"));
        using var client = new RegistryClient(server.Authority, Options(logger, credentials));

        var manifest = await client.GetManifestAsync(Repository, "v1", None);

        Assert.That(manifest.Digest.ToString(), Is.EqualTo(FixtureStore.Amd64ManifestDigest));
        var asked = tokens.Requests.ToList();
        Assert.That(asked, Is.Not.Empty);
        Assert.That(asked.All(r => !r.Headers.ContainsKey("Authorization") && !r.Query.Contains("account=")), Is.True, "no credential reached the realm");
        Assert.That(logger.All, Does.Contain($"not sending credentials to the token realm http://{tokens.Authority}/token: it is plain http on another host than the registry"));
    }

    [Test]
    public void APlainHttpRealmElsewhereThatRefusesAnonymousSaysTheCredentialsWereWithheld()
    {
        var elsewhere = NonLoopbackAddress();
        using var tokens = new LoopbackHttpServer(context => LoopbackHttpServer.WriteAsync(context, 401), host: elsewhere);
        using var server = Registry(async context =>
        {
            await LoopbackHttpServer.WriteAsync(context, 401, null, null,
                new Dictionary<string, string> { ["WWW-Authenticate"] = $"Bearer realm=\"http://{tokens.Authority}/token\",service=\"x\"" });
            return true;
        });
        using var client = new RegistryClient(server.Authority, Options(credentials: new StaticCredentialProvider(new RegistryCredential("u", "p"))));

        var e = Assert.ThrowsAsync<S3loException>(() => client.GetManifestAsync(Repository, "v1", None))!;

        Assert.That(e.Message, Is.EqualTo($"the token server of {server.Authority} (http://{tokens.Authority}/token) refused an anonymous token: s3lo did not send it the credentials because it is plain http on another host than the registry"));
        Assert.That(e.Hint, Does.StartWith("the token realm must be https"));
        Assert.That(tokens.Requests.All(r => !r.Headers.ContainsKey("Authorization")), Is.True);
    }

    /// <summary>A non-loopback IPv4 address of this machine, to play "another host" than a loopback registry.</summary>
    private static string NonLoopbackAddress()
    {
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (address is null) Assert.Ignore("this machine has no non-loopback IPv4 address to play another host");
        return address!.ToString();
    }

    [Test]
    public void UnreachableRegistryIsOneClearError()
    {
        var port = LoopbackHttpServer.FreePort();
        using var client = new RegistryClient($"127.0.0.1:{port}", Options() with { MaxRetries = 1 });
        var e = Assert.ThrowsAsync<S3loException>(() => client.GetManifestAsync(Repository, "v1", None))!;
        Assert.That(e.Message, Does.Contain($"cannot reach registry 127.0.0.1:{port}"));
    }
}
