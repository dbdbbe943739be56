using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Blob redirects of <c>s3lo serve</c> (published binary): on Ceph and Azurite a blob GET is a 307 to a
/// presigned URL of the store, which the Docker daemon follows; the GCS emulator has no credentials that
/// can sign, so its blobs are streamed. One image pushed from the daemon into a bucket of each service.
/// </summary>
[NonParallelizable]
public sealed class ServeRedirectTests
{
    private const string Image = "s3lo-e2e/redirect:src";
    private const string Missing = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private const int LayerBytes = 300_000;

    private TestBucket _ceph = null!;
    private ServedBucket _served = null!;
    private HttpClient _http = null!;
    private string _imageId = "";
    private string _layer = "";

    [OneTimeSetUp]
    public void PushAndServe()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 71, extraLayers: 2, layerBytes: LayerBytes);
        // the base image shares the first layer: without it, a pull must download every layer
        DockerCli.RemoveImage(Image + "-base");
        _imageId = DockerCli.ImageId(Image);
        _ceph = PushedBucket("s3");
        _served = ServedBucket.Start(_ceph.Url, "--endpoint", S3Server.Endpoint, "--verbose");
        _http = NoRedirects(_served);
        _layer = LayerDigests(_http).Last();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _http?.Dispose();
        _served?.Dispose();
        _ceph?.Dispose();
        DockerCli.RemoveImage(Image);
    }

    [Test]
    public async Task ABlobGetIsARedirectToCephThatGivesTheBlobsBytes()
    {
        using var response = await _http.GetAsync($"/v2/app/blobs/{_layer}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        var location = response.Headers.Location!;
        Assert.That(location.GetLeftPart(UriPartial.Authority), Is.EqualTo(new Uri(S3Server.Endpoint).GetLeftPart(UriPartial.Authority)));
        Assert.That(location.Query, Does.Contain("X-Amz-Signature="));
        Assert.That(response.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(_layer));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
        using var store = new HttpClient();
        Assert.That("sha256:" + StoreChecker.Sha256Hex(await store.GetByteArrayAsync(location)), Is.EqualTo(_layer));
    }

    [Test]
    public async Task ARangedGetIsRedirectedAndTheStoreAnswersTheRange()
    {
        var whole = await FollowAsync(_layer);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v2/app/blobs/{_layer}") { Headers = { Range = new RangeHeaderValue(1000, 1999) } };
        using var response = await _http.SendAsync(ranged);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));

        using var store = new HttpClient();
        using var again = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location) { Headers = { Range = new RangeHeaderValue(1000, 1999) } };
        using var part = await store.SendAsync(again);

        Assert.That(part.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(await part.Content.ReadAsByteArrayAsync(), Is.EqualTo(whole[1000..2000]));
    }

    [Test]
    public async Task ARangeOutsideTheBlobIsAnsweredHereNotRedirected()
    {
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v2/app/blobs/{_layer}") { Headers = { Range = new RangeHeaderValue(100_000_000, null) } };
        using var response = await _http.SendAsync(ranged);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestedRangeNotSatisfiable));
        Assert.That(response.Headers.Location, Is.Null);
    }

    [Test]
    public async Task AMissingBlobIsBlobUnknownNotARedirect()
    {
        using var response = await _http.GetAsync($"/v2/app/blobs/{Missing}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Headers.Location, Is.Null);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString(), Is.EqualTo("BLOB_UNKNOWN"));
    }

    [Test]
    public async Task HeadIsAnsweredByTheServerWithRedirectsOnAndOff()
    {
        var size = (await FollowAsync(_layer)).Length;
        using var streaming = ServedBucket.Start(_ceph.Url, "--endpoint", S3Server.Endpoint, "--no-redirect");
        using var streamingHttp = NoRedirects(streaming);
        foreach (var http in new[] { _http, streamingHttp })
        {
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/app/blobs/{_layer}"));
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(size));
            Assert.That(head.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(_layer));
            Assert.That(head.Headers.Location, Is.Null);
        }
    }

    [Test]
    public async Task WithNoRedirectTheBlobIsStreamed()
    {
        using var streaming = ServedBucket.Start(_ceph.Url, "--endpoint", S3Server.Endpoint, "--no-redirect");
        using var http = NoRedirects(streaming);

        using var response = await http.GetAsync($"/v2/app/blobs/{_layer}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That("sha256:" + StoreChecker.Sha256Hex(await response.Content.ReadAsByteArrayAsync()), Is.EqualTo(_layer));
    }

    [Test]
    public void DockerPullFromCephFollowsTheRedirects()
    {
        var before = _served.Stderr.Length;
        PullFresh(_served.Host);

        // --verbose logs each redirect, where to but never the signature: every layer was sent to Ceph
        var log = _served.Stderr[before..];
        foreach (var layer in LayerDigests(_http))
            Assert.That(log, Does.Contain($"{layer}: 307 to {S3Server.Endpoint.TrimEnd('/')}/"), log);
        Assert.That(_served.Stderr, Does.Not.Contain("X-Amz-Signature").And.Not.Contain("X-Amz-Credential"));
    }

    [Test]
    public async Task APresignedUrlStopsWorkingAfterThePresignTtl()
    {
        using var shortLived = ServedBucket.Start(_ceph.Url, "--endpoint", S3Server.Endpoint, "--presign-ttl", "2s");
        using var http = NoRedirects(shortLived);
        using var response = await http.GetAsync($"/v2/app/blobs/{_layer}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));

        // the URL's own expiry, enforced by Ceph; no claim on how fast s3lo is
        await Task.Delay(TimeSpan.FromSeconds(4));
        using var store = new HttpClient();
        using var expired = await store.GetAsync(response.Headers.Location);

        Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("8d")]
    [TestCase("500ms")]
    public void APresignTtlBeyondWhatTheStoresAllowIsAUsageError(string ttl)
    {
        var r = S3loBinary.Run("serve", _ceph.Url, "--endpoint", S3Server.Endpoint, "--presign-ttl", ttl, "--port", "0");

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            $"error: --presign-ttl {ttl} is out of range",
            "hint: presigned URLs live from 1s to 7d (the most S3 and GCS allow)",
        }), r.ToString);
    }

    [Test]
    public async Task OnAzuriteABlobGetIsARedirectToASasUrlAndDockerPullWorks()
    {
        using var bucket = PushedBucket("az");
        using var served = ServeWithTestEnvironment(bucket.Url);
        using var http = NoRedirects(served);
        var layer = LayerDigests(http).Last();

        using var response = await http.GetAsync($"/v2/app/blobs/{layer}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        var location = response.Headers.Location!;
        Assert.That(location.Query, Does.Contain("sig=").And.Contain("sp=r"));
        using var store = new HttpClient();
        Assert.That("sha256:" + StoreChecker.Sha256Hex(await store.GetByteArrayAsync(location)), Is.EqualTo(layer));

        var before = served.Stderr.Length;
        PullFresh(served.Host);
        var log = served.Stderr[before..];
        foreach (var pulled in LayerDigests(http))
            Assert.That(log, Does.Contain($"{pulled}: 307 to {location.GetLeftPart(UriPartial.Authority)}/"), log);
        Assert.That(served.Stderr, Does.Not.Contain("sig="));
    }

    [Test]
    public async Task OnTheGcsEmulatorBlobsAreStreamedAndDockerPullWorks()
    {
        // the emulator is reached without credentials, and no credentials means no signed URLs
        using var bucket = PushedBucket("gs");
        using var served = ServeWithTestEnvironment(bucket.Url);
        using var http = NoRedirects(served);
        var layer = LayerDigests(http).Last();

        using var response = await http.GetAsync($"/v2/app/blobs/{layer}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That("sha256:" + StoreChecker.Sha256Hex(await response.Content.ReadAsByteArrayAsync()), Is.EqualTo(layer));
        PullFresh(served.Host);
        Assert.That(served.Stderr, Does.Not.Contain(" 307 "));
    }

    private static TestBucket PushedBucket(string scheme)
    {
        var bucket = TestBucket.Create(scheme);
        var push = TestBucket.S3lo("push", Image, bucket.Ref("app:1"));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
        return bucket;
    }

    /// <summary>ServedBucket passes this process's environment on; the Azure connection string is only in the test servers' own variable.</summary>
    internal static ServedBucket ServeWithTestEnvironment(string url)
    {
        var saved = Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING");
        try
        {
            foreach (var (name, value) in TestBucket.Environment()) Environment.SetEnvironmentVariable(name, value);
            return ServedBucket.Start(url, "--verbose");
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", saved);
        }
    }

    private static HttpClient NoRedirects(ServedBucket served) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = served.BaseAddress };

    /// <summary>The layer digests of app:1, from the manifest the server gives.</summary>
    private static List<string> LayerDigests(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/app/manifests/1");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = http.Send(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var manifest = JsonDocument.Parse(response.Content.ReadAsStream());
        return manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList();
    }

    private async Task<byte[]> FollowAsync(string digest)
    {
        using var response = await _http.GetAsync($"/v2/app/blobs/{digest}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        using var store = new HttpClient();
        return await store.GetByteArrayAsync(response.Headers.Location);
    }

    /// <summary>
    /// Pulls app:1 with the image gone from the daemon, so that docker downloads every layer through the
    /// server; the source tag is put back from the pulled image.
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
            Assert.That(DockerCli.ReadFile(pulled, "/data/layer2.bin"), Is.EqualTo(TestImages.RandomBytes(71 * 100 + 2, LayerBytes)));
        }
        finally
        {
            if (DockerCli.ImageExists(_imageId)) DockerCli.MustRun("tag", _imageId, Image);
            DockerCli.RemoveImage(pulled);
        }
    }
}
