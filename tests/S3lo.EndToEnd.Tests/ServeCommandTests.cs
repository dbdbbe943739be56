using System.Net;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo serve</c> of the published binary as an OCI registry (read API): the real Docker daemon and
/// skopeo pull from it, and HttpClient checks the protocol details they rely on.
/// The store is the v1 fixture (multi-arch alpine:latest) plus an image pushed from the daemon as
/// app:1, copied to app:2, app:3 and team/web:1 for the listings.
/// <para>
/// The pull category of the OCI distribution-spec conformance suite (conformance/01_pull_test.go), each case
/// a test here: HEAD and GET of a manifest by tag and by digest (200, exact bytes, Docker-Content-Digest),
/// of a nonexistent manifest, tag or digest (404 MANIFEST_UNKNOWN), GET and HEAD of an existing blob (200)
/// and of a nonexistent one (404 BLOB_UNKNOWN), and a blob range (206).
/// </para>
/// </summary>
[NonParallelizable]
public sealed class ServeCommandTests
{
    private const string Image = "s3lo-e2e/serve:src";
    private const string Amd64Config = "sha256:a40c03cbb81c59bfb0e0887ab0b1859727075da7b9cc576a1cec2c771f38c5fb";
    // the fixture's alpine:latest index (IndexDigest recomputes it from the file)
    private const string IndexDigestText = "sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659";

    private TempStore _store = null!;
    private ServedBucket _served = null!;
    private HttpClient _http = null!;
    private string _imageId = "";

    [OneTimeSetUp]
    public void Serve()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 13, extraLayers: 2, layerBytes: 400_000);
        // the base image shares the first layer: without it, a pull must download every layer
        DockerCli.RemoveImage(Image + "-base");
        _imageId = DockerCli.ImageId(Image);
        _store = TempStore.CopyOf(Repo.FixtureStore);
        var push = S3loBinary.Run("push", Image, _store.Ref("app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        foreach (var copy in new[] { "app:2", "app:3", "team/web:1" })
        {
            var r = S3loBinary.Run("copy", _store.Ref("app:1"), _store.Ref(copy));
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        }
        _served = ServedBucket.Start(_store.Url);
        _http = new HttpClient { BaseAddress = _served.BaseAddress };
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _http?.Dispose();
        _served?.Dispose();
        _store?.Dispose();
        DockerCli.RemoveImage(Image);
    }

    [Test]
    public void PrintsWhereItServes() =>
        Assert.That(_served.ServingLine, Is.EqualTo($"serving local://{_store.Root}/ on http://{_served.Host}"));

    [Test]
    public void DockerPullGivesThePushedImage() => PullFresh(_served.Host);

    [Test]
    public void DockerPullFromAnS3BucketGivesThePushedImage()
    {
        using var bucket = TestBucket.Create("s3");
        var push = TestBucket.S3lo("push", Image, bucket.Ref("app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        using var served = ServedBucket.Start(bucket.Url, "--endpoint", S3Server.Endpoint);
        PullFresh(served.Host);
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0), served.Stderr);
    }

    [Test]
    public void DockerPullOfTheMultiArchIndexPicksLinuxAmd64()
    {
        var pulled = $"{_served.Host}/alpine:latest";
        DockerCli.RemoveImage(pulled, Amd64Config);
        try
        {
            DockerCli.MustRun("pull", pulled);
            Assert.That(DockerCli.ImageId(pulled), Is.EqualTo(Amd64Config));
        }
        finally
        {
            DockerCli.RemoveImage(pulled);
        }
    }

    [Test]
    public void SkopeoReadsTheIndexByteExact()
    {
        var stored = File.ReadAllBytes(IndexFile);
        var raw = Processes.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{_served.Host}/alpine:latest"]);
        Assert.That(raw.ExitCode, Is.EqualTo(0), raw.ToString);
        // Processes ends every captured line with '\n'; the stored index has no final newline
        var bytes = Encoding.UTF8.GetBytes(raw.Stdout);
        if (stored[^1] != '\n' && bytes.Length > 0 && bytes[^1] == '\n') bytes = bytes[..^1];
        Assert.That(bytes, Is.EqualTo(stored));
        Assert.That("sha256:" + StoreChecker.Sha256Hex(bytes), Is.EqualTo(IndexDigest));
    }

    [Test]
    public async Task BaseEndpointAnswersWithTheApiVersion()
    {
        using var response = await _http.GetAsync("/v2/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Docker-Distribution-API-Version"), Is.EqualTo(new[] { "registry/2.0" }));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{}"));
    }

    [Test]
    public async Task ManifestByTagAndByDigestCarryTypeDigestAndLength()
    {
        var stored = File.ReadAllBytes(IndexFile);
        foreach (var reference in new[] { "latest", IndexDigest })
        {
            using var get = await _http.GetAsync($"/v2/alpine/manifests/{reference}");
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK), reference);
            Assert.That(get.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/vnd.oci.image.index.v1+json"), reference);
            Assert.That(get.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(IndexDigest), reference);
            Assert.That(get.Headers.ETag!.Tag, Is.EqualTo($"\"{IndexDigest}\""), reference);
            Assert.That(await get.Content.ReadAsByteArrayAsync(), Is.EqualTo(stored), reference);
        }

        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/alpine/manifests/latest"));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(stored.Length));
        Assert.That(head.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(IndexDigest));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task PlatformManifestOfTheIndexIsServedByDigest()
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(IndexFile));
        var amd64 = index.RootElement.GetProperty("manifests").EnumerateArray()
            .First(m => m.TryGetProperty("platform", out var p) && p.GetProperty("architecture").GetString() == "amd64");
        var digest = amd64.GetProperty("digest").GetString()!;
        using var get = await _http.GetAsync($"/v2/alpine/manifests/{digest}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(get.Content.Headers.ContentType!.ToString(), Is.EqualTo(amd64.GetProperty("mediaType").GetString()));
        Assert.That("sha256:" + StoreChecker.Sha256Hex(await get.Content.ReadAsByteArrayAsync()), Is.EqualTo(digest));
    }

    [Test]
    public async Task BlobIsStreamedWholeOrAsOneRange()
    {
        var blob = File.ReadAllBytes(Path.Combine(_store.Root, "blobs", "sha256", Amd64Config["sha256:".Length..]));
        using var get = await _http.GetAsync($"/v2/alpine/blobs/{Amd64Config}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(get.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/octet-stream"));
        Assert.That(get.Content.Headers.ContentLength, Is.EqualTo(blob.Length));
        Assert.That(get.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(Amd64Config));
        Assert.That(await get.Content.ReadAsByteArrayAsync(), Is.EqualTo(blob));

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v2/alpine/blobs/{Amd64Config}");
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(10, 29);
        using var part = await _http.SendAsync(ranged);
        Assert.That(part.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(part.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes 10-29/{blob.Length}"));
        Assert.That(await part.Content.ReadAsByteArrayAsync(), Is.EqualTo(blob[10..30]));

        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/alpine/blobs/{Amd64Config}"));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(blob.Length));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [TestCase("/v2/alpine/manifests/latest", HttpStatusCode.OK)]
    [TestCase("/v2/alpine/manifests/" + IndexDigestText, HttpStatusCode.OK)]
    [TestCase("/v2/alpine/blobs/" + Amd64Config, HttpStatusCode.OK)]
    [TestCase("/v2/alpine/manifests/nope", HttpStatusCode.NotFound)]
    [TestCase("/v2/alpine/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    public async Task HeadAnswersAsGetWouldWithoutABody(string path, HttpStatusCode status)
    {
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        using var get = await _http.GetAsync(path);
        Assert.That(head.StatusCode, Is.EqualTo(status));
        Assert.That(get.StatusCode, Is.EqualTo(status));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(get.Content.Headers.ContentLength));
        if (status == HttpStatusCode.OK)
            Assert.That(head.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(get.Headers.GetValues("Docker-Content-Digest").Single()));
    }

    [TestCase("/v2/alpine/manifests/nope", HttpStatusCode.NotFound, "MANIFEST_UNKNOWN")]
    [TestCase("/v2/alpine/manifests/sha256:0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound, "MANIFEST_UNKNOWN")]
    [TestCase("/v2/alpine/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound, "BLOB_UNKNOWN")]
    [TestCase("/v2/alpine/blobs/sha256:XYZ", HttpStatusCode.BadRequest, "DIGEST_INVALID")]
    [TestCase("/v2/UPPER/manifests/x", HttpStatusCode.BadRequest, "NAME_INVALID")]
    [TestCase("/v2/nothere/tags/list", HttpStatusCode.NotFound, "NAME_UNKNOWN")]
    public async Task ErrorsAreOciErrorBodies(string path, HttpStatusCode status, string code)
    {
        using var response = await _http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Not.Contain("\\u"), "messages are written unescaped");
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(error.GetProperty("message").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task TagsListPagesWithLinkHeaders()
    {
        Assert.That(await Names("/v2/app/tags/list", "tags"), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(await Names("/v2/team/web/tags/list", "tags"), Is.EqualTo(new[] { "1" }));

        using var first = await _http.GetAsync("/v2/app/tags/list?n=2");
        Assert.That(first.Headers.GetValues("Link").Single(), Is.EqualTo("</v2/app/tags/list?n=2&last=2>; rel=\"next\""));
        Assert.That(await NamesOf(first, "tags"), Is.EqualTo(new[] { "1", "2" }));
        using var second = await _http.GetAsync("/v2/app/tags/list?n=2&last=2");
        Assert.That(second.Headers.Contains("Link"), Is.False);
        Assert.That(await NamesOf(second, "tags"), Is.EqualTo(new[] { "3" }));
    }

    [Test]
    public async Task CatalogListsRepositoriesAndPages()
    {
        Assert.That(await Names("/v2/_catalog", "repositories"), Is.EqualTo(new[] { "alpine", "app", "team/web" }));
        using var first = await _http.GetAsync("/v2/_catalog?n=1");
        Assert.That(first.Headers.GetValues("Link").Single(), Is.EqualTo("</v2/_catalog?n=1&last=alpine>; rel=\"next\""));
        Assert.That(await NamesOf(first, "repositories"), Is.EqualTo(new[] { "alpine" }));
        Assert.That(await Names("/v2/_catalog?n=5&last=alpine", "repositories"), Is.EqualTo(new[] { "app", "team/web" }));
    }

    [Test]
    public void NonLoopbackHostWithoutAuthIsRefused()
    {
        var r = S3loBinary.Run("serve", _store.Url, "--host", "0.0.0.0");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            "error: --host 0.0.0.0 is not a loopback address and no auth is set: anyone who reaches it could read the whole bucket",
            "hint: add --htpasswd FILE, or --allow-anonymous if that is what you want",
        }), r.ToString);
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void BusyPortIsOneErrorAndExitOne()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = S3loBinary.Run("serve", _store.Url, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StderrLines[0], Does.StartWith($"error: cannot listen on 127.0.0.1:{port}: "), r.ToString);
        Assert.That(r.StderrLines, Has.Length.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[1], Is.EqualTo("hint: pick another --port"));
        Assert.That(r.Stdout, Is.Empty);
    }

    [TestCase("TERM")]
    [TestCase("INT")]
    public async Task SignalStopsTheServerWithExitZero(string signal)
    {
        // no access log: stderr must stay empty, so a stop that prints anything shows
        using var served = ServedBucket.Start(_store.Url, "--no-access-log");
        using (var client = new HttpClient { BaseAddress = served.BaseAddress })
        using (var response = await client.GetAsync("/v2/"))
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(served.Terminate(TimeSpan.FromSeconds(20), signal), Is.EqualTo(0), served.Stderr);
        Assert.That(served.Stderr, Is.Empty);
    }

    /// <summary>
    /// Pulls app:1 with the image gone from the daemon (every tag removed), so that docker downloads
    /// every layer blob from the server; the source tag is restored from the pulled image.
    /// </summary>
    private void PullFresh(string host)
    {
        var pulled = $"{host}/app:1";
        DockerCli.RemoveImage(pulled, Image);
        Assert.That(DockerCli.ImageExists(_imageId), Is.False, "the image must be gone from the daemon before the pull");
        try
        {
            DockerCli.MustRun("pull", pulled);
            Assert.That(DockerCli.ImageId(pulled), Is.EqualTo(_imageId));
            Assert.That(DockerCli.ReadFile(pulled, "/data/layer2.bin"), Is.EqualTo(TestImages.RandomBytes(13 * 100 + 2, 400_000)));
        }
        finally
        {
            if (DockerCli.ImageExists(_imageId)) DockerCli.MustRun("tag", _imageId, Image);
            DockerCli.RemoveImage(pulled);
        }
    }

    private static string IndexFile => Path.Combine(Repo.FixtureStore, "manifests", "alpine", "latest", "manifest.json");

    private static string IndexDigest => "sha256:" + StoreChecker.Sha256Hex(File.ReadAllBytes(IndexFile));

    private async Task<string[]> Names(string path, string property)
    {
        using var response = await _http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return await NamesOf(response, property);
    }

    private static async Task<string[]> NamesOf(HttpResponseMessage response, string property)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}
