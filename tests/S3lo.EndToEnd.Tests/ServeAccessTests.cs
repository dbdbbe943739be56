using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo serve</c>'s access control and operations, with the published binary: basic auth from a file
/// made by the real <c>htpasswd -B</c> (checked by curl-like HttpClient requests and by <c>docker login</c> +
/// <c>docker pull</c>), TLS with a certificate made by <c>openssl req -x509</c>, the access log on stderr,
/// <c>/metrics</c> and <c>/healthz</c>.
/// </summary>
[NonParallelizable]
public sealed partial class ServeAccessTests
{
    private const string Password = "pull-secret-7";
    private const string Image = "s3lo-e2e/serve-access:src";

    private TempStore _store = null!;
    private TempDir _files = null!;
    private string _htpasswd = "";
    private ServedBucket _served = null!;
    private string _imageId = "";

    [OneTimeSetUp]
    public void Serve()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 29, extraLayers: 1, layerBytes: 200_000);
        DockerCli.RemoveImage(Image + "-base");
        _imageId = DockerCli.ImageId(Image);
        _store = TempStore.CopyOf(Repo.FixtureStore);
        var push = S3loBinary.Run("push", Image, _store.Ref("app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        _files = new TempDir("serve-access");
        _htpasswd = _files.File("htpasswd");
        Htpasswd("-Bbc", _htpasswd, "alice", Password);
        Htpasswd("-Bb", _htpasswd, "bob", "other-password");
        _served = ServedBucket.Start(_store.Url, "--htpasswd", _htpasswd);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _served?.Dispose();
        _store?.Dispose();
        _files?.Dispose();
        DockerCli.RemoveImage(Image);
    }

    // ---- basic auth

    [TestCase("/v2/")]
    [TestCase("/v2/alpine/manifests/latest")]
    [TestCase("/metrics")]
    public async Task NoCredentialsIsUnauthorizedWithABasicChallenge(string path)
    {
        using var http = Client(_served);
        using var response = await http.GetAsync(path);
        await AssertUnauthorized(response);
    }

    [TestCase("alice", "wrong-password")]
    [TestCase("mallory", Password)]
    [TestCase("bob", Password)]
    public async Task WrongUserOrPasswordIsUnauthorized(string user, string password)
    {
        using var http = Client(_served, user, password);
        using var response = await http.GetAsync("/v2/alpine/manifests/latest");
        await AssertUnauthorized(response);
    }

    [Test]
    public async Task RightPasswordGetsTheManifestByteExact()
    {
        using var http = Client(_served, "alice", Password);
        for (var i = 0; i < 3; i++)
        {
            // the first request pays for bcrypt, the next ones are answered from the verified-password cache
            using var response = await http.GetAsync("/v2/alpine/manifests/latest");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(File.ReadAllBytes(IndexFile)));
        }
        using var bob = Client(_served, "bob", "other-password");
        using var other = await bob.GetAsync("/v2/");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthzNeedsNoCredentials()
    {
        using var http = Client(_served);
        using var response = await http.GetAsync("/healthz");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok\n"));
    }

    [Test]
    public void DockerLoginThenPullGivesTheImage()
    {
        using var config = new TempDir("docker-config");
        var pulled = $"{_served.Host}/app:1";
        DockerCli.RemoveImage(pulled, Image);
        Assert.That(DockerCli.ImageExists(_imageId), Is.False, "the image must be gone from the daemon before the pull");
        try
        {
            var anonymous = Docker(config.Path, null, "pull", pulled);
            Assert.That(anonymous.ExitCode, Is.Not.EqualTo(0), anonymous.ToString);
            Assert.That(anonymous.Stderr, Does.Contain("no basic auth credentials").Or.Contain("unauthorized"), anonymous.ToString);

            var login = Docker(config.Path, Password + "\n", "login", _served.Host, "--username", "alice", "--password-stdin");
            Assert.That(login.ExitCode, Is.EqualTo(0), login.ToString);
            Assert.That(login.Stdout, Does.Contain("Login Succeeded"), login.ToString);

            var pull = Docker(config.Path, null, "pull", pulled);
            Assert.That(pull.ExitCode, Is.EqualTo(0), pull.ToString);
            Assert.That(DockerCli.ImageId(pulled), Is.EqualTo(_imageId));
            Assert.That(DockerCli.ReadFile(pulled, "/data/layer1.bin"), Is.EqualTo(TestImages.RandomBytes(29 * 100 + 1, 200_000)));
        }
        finally
        {
            Docker(config.Path, null, "logout", _served.Host);
            if (DockerCli.ImageExists(_imageId)) DockerCli.MustRun("tag", _imageId, Image);
            DockerCli.RemoveImage(pulled);
        }
    }

    [Test]
    public async Task NonLoopbackHostStartsWithHtpasswd()
    {
        using var served = ServedBucket.Start(_store.Url, "--host", "0.0.0.0", "--htpasswd", _htpasswd);
        Assert.That(served.ServingLine, Is.EqualTo($"serving {_store.Url} on http://0.0.0.0:{served.Port}"));
        Assert.That(StderrLines(served, 1)[0], Is.EqualTo(
            "warning: basic auth over plain HTTP on 0.0.0.0: passwords cross the network readable; add --tls-cert and --tls-key, or put a TLS proxy in front"));
        using (var anonymous = Client(served))
        using (var refused = await anonymous.GetAsync("/v2/"))
            await AssertUnauthorized(refused);
        using var alice = Client(served, "alice", Password);
        using var response = await alice.GetAsync("/v2/alpine/manifests/latest");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task NonLoopbackHostStartsWithAllowAnonymous()
    {
        using var served = ServedBucket.Start(_store.Url, "--host", "0.0.0.0", "--allow-anonymous");
        Assert.That(served.ServingLine, Is.EqualTo($"serving {_store.Url} on http://0.0.0.0:{served.Port}"));
        using var http = Client(served);
        using var response = await http.GetAsync("/v2/alpine/manifests/latest");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("-m", "an MD5 (apr1) hash")]
    [TestCase("-s", "a SHA-1 hash")]
    [TestCase("-d", "a crypt(3) hash")]
    [TestCase("-p", "an unknown hash (or a plain-text password)")]
    public void NonBcryptLineIsRefusedNamingItsLine(string htpasswdFlag, string kind)
    {
        var file = _files.File($"mixed{htpasswdFlag}");
        Htpasswd("-Bbc", file, "alice", Password);
        Htpasswd(htpasswdFlag + "b", file, "carol", "pw");
        var r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--htpasswd", file);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            $"error: --htpasswd {file} line 2: user 'carol' has {kind}, not bcrypt; only bcrypt entries are accepted (create them with htpasswd -B)",
        }), r.ToString);
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void MissingOrEmptyHtpasswdIsOneLineAndExitTwo()
    {
        var missing = _files.File("nope");
        var r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--htpasswd", missing);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Has.Length.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith($"error: cannot read --htpasswd {missing}: "), r.ToString);

        var empty = _files.File("empty");
        File.WriteAllText(empty, "# no users yet\n\n");
        r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--htpasswd", empty);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[] { $"error: --htpasswd {empty} has no user: add one with htpasswd -B {empty} USER" }), r.ToString);
    }

    [Test]
    public void HtpasswdWithAllowAnonymousIsAContradiction()
    {
        var r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--htpasswd", _htpasswd, "--allow-anonymous");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: --htpasswd and --allow-anonymous contradict each other"), r.ToString);
    }

    // ---- access log

    [Test]
    public async Task AccessLogLinesHoldNeitherQueryNorCredentials()
    {
        using var served = ServedBucket.Start(_store.Url, "--htpasswd", _htpasswd);
        var stored = File.ReadAllBytes(IndexFile).Length;
        using (var alice = Client(served, "alice", Password))
        using (var response = await alice.GetAsync("/v2/alpine/manifests/latest?secret=x-amz-signature-42"))
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var anonymous = Client(served))
        using (var refused = await anonymous.GetAsync("/v2/?token=hunter2"))
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using (var anonymous = Client(served))
        using (var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz")))
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var lines = StderrLines(served, 3);
        Assert.That(lines[0], Does.Match($"^127\\.0\\.0\\.1 alice \"GET /v2/alpine/manifests/latest\" 200 {stored} [0-9]+ms$"));
        Assert.That(lines[1], Does.Match("^127\\.0\\.0\\.1 - \"GET /v2/\" 401 [0-9]+ [0-9]+ms$"));
        Assert.That(lines[2], Does.Match("^127\\.0\\.0\\.1 - \"HEAD /healthz\" 200 0 [0-9]+ms$"));
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}"));
        foreach (var secret in new[] { "secret", "x-amz-signature-42", "hunter2", Password, basic, "Authorization", "Basic" })
            Assert.That(served.Stderr, Does.Not.Contain(secret));
    }

    [Test]
    public async Task NoAccessLogKeepsStderrEmpty()
    {
        using var served = ServedBucket.Start(_store.Url, "--no-access-log");
        using (var http = Client(served))
        using (var response = await http.GetAsync("/v2/alpine/manifests/latest"))
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0));
        Assert.That(served.Stderr, Is.Empty);
        Assert.That(served.Stdout, Is.EqualTo(served.ServingLine + "\n"), "the serving line is all stdout holds");
    }

    // ---- metrics and health

    [Test]
    public async Task MetricsCountRequestsInPrometheusTextFormat()
    {
        using var served = ServedBucket.Start(_store.Url, "--htpasswd", _htpasswd);
        using var alice = Client(served, "alice", Password);
        const int gets = 7;
        long bytes = 0;
        for (var i = 0; i < gets; i++)
        {
            using var response = await alice.GetAsync("/v2/alpine/manifests/latest");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            bytes += (await response.Content.ReadAsByteArrayAsync()).Length;
        }
        using var metrics = await alice.GetAsync("/metrics");
        Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(metrics.Content.Headers.ContentType!.ToString(), Is.EqualTo("text/plain; version=0.0.4; charset=utf-8"));
        var samples = ParseExposition(await metrics.Content.ReadAsStringAsync());

        Assert.That(samples["s3lo_serve_requests_total{method=\"GET\",status=\"200\"}"], Is.GreaterThanOrEqualTo(gets));
        Assert.That(samples["s3lo_serve_response_bytes_total"], Is.GreaterThanOrEqualTo(bytes));
        Assert.That(samples["s3lo_serve_requests_in_flight"], Is.GreaterThanOrEqualTo(1), "the /metrics request itself");
        Assert.That(samples["s3lo_serve_request_duration_seconds_count"], Is.GreaterThanOrEqualTo(gets));
        Assert.That(samples["s3lo_serve_request_duration_seconds_bucket{le=\"+Inf\"}"], Is.EqualTo(samples["s3lo_serve_request_duration_seconds_count"]));
        Assert.That(samples.Keys, Does.Contain("s3lo_serve_manifest_cache_hits_total"));
        Assert.That(samples.Keys, Does.Contain("s3lo_serve_manifest_cache_misses_total"));
    }

    [Test]
    public async Task HealthzIsServiceUnavailableOnceTheStoreIsGone()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        using var served = ServedBucket.Start(store.Url);
        using var http = Client(served);
        using (var healthy = await http.GetAsync("/healthz"))
        {
            Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await healthy.Content.ReadAsStringAsync(), Is.EqualTo("ok\n"));
        }
        // what an operator's mistake looks like: the store directory removed under a running server
        Directory.Delete(store.Root, recursive: true);
        using (var gone = await http.GetAsync("/healthz"))
        {
            Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await gone.Content.ReadAsStringAsync(),
                Is.EqualTo($"store local://{store.Root} is gone: its s3lo.yaml was there at start and is not now\n"));
        }
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
    }

    [Test]
    public async Task HealthzIsServiceUnavailableOnceTheS3BucketIsDeleted()
    {
        var bucket = S3Server.CreateBucket();
        try
        {
            var init = TestBucket.S3lo("init", bucket.Url);
            Assert.That(init.ExitCode, Is.EqualTo(0), init.ToString);
            using var served = ServedBucket.Start(bucket.Url, "--endpoint", S3Server.Endpoint);
            using var http = Client(served);
            using (var healthy = await http.GetAsync("/healthz"))
                Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK), await healthy.Content.ReadAsStringAsync());
            // the bucket deleted (every object, then the bucket) while the server runs
            bucket.Dispose();
            using (var gone = await http.GetAsync("/healthz"))
            {
                Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(await gone.Content.ReadAsStringAsync(), Does.StartWith($"store s3://{bucket.Name}"));
            }
            Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
        }
        finally
        {
            bucket.Dispose();
        }
    }

    // ---- TLS

    [Test]
    public async Task HttpsServesTheManifestAndPlainHttpIsRefused()
    {
        var (cert, key) = SelfSignedCertificate("tls-ok");
        using var served = ServedBucket.Start(_store.Url, "--tls-cert", cert, "--tls-key", key, "--htpasswd", _htpasswd);
        Assert.That(served.ServingLine, Is.EqualTo($"serving {_store.Url} on https://{served.Host}"));
        using var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(cert));
        using var handler = new HttpClientHandler
        {
            // trust exactly this certificate, as a client given its CA file would
            ServerCertificateCustomValidationCallback = (_, presented, chain, _) =>
            {
                if (presented is null || chain is null) return false;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(presented);
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = served.BaseAddress };
        https.DefaultRequestHeaders.Authorization = BasicHeader("alice", Password);
        using (var response = await https.GetAsync("/v2/alpine/manifests/latest"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(File.ReadAllBytes(IndexFile)));
        }

        using var plain = new HttpClient { BaseAddress = new Uri($"http://{served.Host}") };
        plain.DefaultRequestHeaders.Authorization = BasicHeader("alice", Password);
        Assert.ThrowsAsync<HttpRequestException>(async () => (await plain.GetAsync("/v2/alpine/manifests/latest")).Dispose());

        using var untrusting = new HttpClient { BaseAddress = served.BaseAddress };
        Assert.ThrowsAsync<HttpRequestException>(async () => (await untrusting.GetAsync("/healthz")).Dispose(),
            "a client that does not trust the certificate refuses it");
    }

    [Test]
    public void DockerPullsOverTlsWithTheCertificateInCertsD()
    {
        var (cert, key) = SelfSignedCertificate("tls-docker");
        using var served = ServedBucket.Start(_store.Url, "--tls-cert", cert, "--tls-key", key);
        var certsD = Path.Combine("/etc/docker/certs.d", served.Host);
        var pulled = $"{served.Host}/app:1";
        DockerCli.RemoveImage(pulled, Image);
        try
        {
            Directory.CreateDirectory(certsD);
            File.Copy(cert, Path.Combine(certsD, "ca.crt"), overwrite: true);
            DockerCli.MustRun("pull", pulled);
            Assert.That(DockerCli.ImageId(pulled), Is.EqualTo(_imageId));
            // docker may HEAD the tag and fetch the manifest by digest; the layers come over this TLS port
            Assert.That(served.Stderr, Does.Match("\"(GET|HEAD) /v2/app/manifests/1\" 200 "));
            Assert.That(served.Stderr, Does.Contain("\"GET /v2/app/blobs/sha256:"));
        }
        finally
        {
            if (Directory.Exists(certsD)) Directory.Delete(certsD, recursive: true);
            if (DockerCli.ImageExists(_imageId)) DockerCli.MustRun("tag", _imageId, Image);
            DockerCli.RemoveImage(pulled);
        }
    }

    [Test]
    public void IntermediatesOfTheCertificateFileAreSentToClients()
    {
        // root CA -> intermediate CA -> server certificate, as a private PKI issues them
        var root = _files.File("root");
        var intermediate = _files.File("intermediate");
        var leaf = _files.File("leaf");
        File.WriteAllText(intermediate + ".ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        File.WriteAllText(leaf + ".ext", "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Must("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=s3lo test root", "-keyout", root + ".key", "-out", root + ".crt");
        foreach (var (name, subject, issuer) in new[] { (intermediate, "/CN=s3lo test intermediate", root), (leaf, "/CN=127.0.0.1", intermediate) })
        {
            Must("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", name + ".key", "-out", name + ".csr");
            Must("openssl", "x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuer + ".key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
        }
        var chain = _files.File("chain.crt");
        File.WriteAllText(chain, File.ReadAllText(leaf + ".crt") + File.ReadAllText(intermediate + ".crt"));

        using var served = ServedBucket.Start(_store.Url, "--tls-cert", chain, "--tls-key", leaf + ".key");
        using var none = new MemoryStream();
        var client = Processes.Run("openssl", ["s_client", "-connect", served.Host, "-showcerts", "-CAfile", root + ".crt", "-verify_return_error"], stdin: none);
        Assert.That(client.ExitCode, Is.EqualTo(0), client.ToString);
        Assert.That(Regex.Matches(client.Stdout, "-----BEGIN CERTIFICATE-----").Count, Is.EqualTo(2), "the server certificate and the intermediate");
        Assert.That(client.Stdout, Does.Contain("Verify return code: 0 (ok)"), client.ToString);
    }

    [Test]
    public void UnusableKeyIsOneLineAndExitTwo()
    {
        var (cert, _) = SelfSignedCertificate("tls-bad");
        var garbage = _files.File("garbage.key");
        File.WriteAllText(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        var r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--tls-cert", cert, "--tls-key", garbage);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Has.Length.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith($"error: cannot use --tls-cert {cert} with --tls-key {garbage}: "), r.ToString);

        var (_, otherKey) = SelfSignedCertificate("tls-other");
        r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--tls-cert", cert, "--tls-key", otherKey);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Has.Length.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith($"error: cannot use --tls-cert {cert} with --tls-key {otherKey}: "), r.ToString);

        var encrypted = _files.File("encrypted.key");
        Must("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x", "-out", encrypted);
        r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--tls-cert", cert, "--tls-key", encrypted);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            $"error: --tls-key {encrypted} is encrypted: serve needs it unencrypted (openssl pkey -in {encrypted} -out KEY), readable only by the server's user",
        }), r.ToString);

        var missing = _files.File("missing.key");
        r = S3loBinary.Run("serve", _store.Url, "--port", "0", "--tls-cert", cert, "--tls-key", missing);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Has.Length.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith($"error: cannot read --tls-key {missing}: "), r.ToString);
    }

    // ---- helpers

    private static string IndexFile => Path.Combine(Repo.FixtureStore, "manifests", "alpine", "latest", "manifest.json");

    private static HttpClient Client(ServedBucket served, string? user = null, string? password = null)
    {
        var http = new HttpClient { BaseAddress = served.BaseAddress };
        if (user is not null) http.DefaultRequestHeaders.Authorization = BasicHeader(user, password!);
        return http;
    }

    private static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task AssertUnauthorized(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.ToString()), Is.EqualTo(new[] { "Basic realm=\"s3lo\"" }));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString(), Is.EqualTo("UNAUTHORIZED"));
    }

    /// <summary>The server's stderr lines once <paramref name="count"/> were written (an access line follows its response by a moment).</summary>
    private static string[] StderrLines(ServedBucket served, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        string[] lines;
        while ((lines = served.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Length < count && DateTime.UtcNow < until)
            Thread.Sleep(50);
        Assert.That(lines, Has.Length.EqualTo(count), served.Stderr);
        return lines;
    }

    /// <summary>
    /// Every sample of a text exposition (format 0.0.4), by its name and labels; fails on a line that is
    /// neither a comment nor <c>name{labels} value</c>, and on a sample whose family has no TYPE line.
    /// </summary>
    private static Dictionary<string, double> ParseExposition(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new HashSet<string>(StringComparer.Ordinal);
        Assert.That(text, Does.EndWith("\n"));
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.That(parts, Has.Length.EqualTo(4), line);
                Assert.That(parts[3], Is.AnyOf("counter", "gauge", "histogram", "summary", "untyped"), line);
                types.Add(parts[2]);
                continue;
            }
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) continue;
            var match = SampleLine().Match(line);
            Assert.That(match.Success, Is.True, $"not a sample line: '{line}'");
            var name = match.Groups["name"].Value;
            Assert.That(types.Contains(name) || types.Contains(Regex.Replace(name, "_(bucket|sum|count)$", "")), Is.True, $"no TYPE for {name}");
            var value = double.Parse(match.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(samples.TryAdd(name + match.Groups["labels"].Value, value), Is.True, $"sample twice: {line}");
        }
        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (?<value>-?([0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|\+Inf|NaN))$""")]
    private static partial Regex SampleLine();

    /// <summary>A self-signed certificate for 127.0.0.1 (IP SAN), as an operator would make one; its own CA.</summary>
    private (string Cert, string Key) SelfSignedCertificate(string name)
    {
        var cert = _files.File(name + ".crt");
        var key = _files.File(name + ".key");
        Must("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert);
        return (cert, key);
    }

    private static void Htpasswd(params string[] args) => Must("htpasswd", args);

    private static void Must(string program, params string[] args)
    {
        var r = Processes.Run(program, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), () => $"{program} {string.Join(' ', args)}: {r}");
    }

    /// <summary>The docker CLI with its own config directory, so a login never touches the machine's.</summary>
    private static RunResult Docker(string configDirectory, string? stdin, params string[] args)
    {
        using var input = stdin is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        return Processes.Run("docker", args, new Dictionary<string, string?> { ["DOCKER_CONFIG"] = configDirectory }, stdin: input,
            timeout: TimeSpan.FromMinutes(5));
    }
}
