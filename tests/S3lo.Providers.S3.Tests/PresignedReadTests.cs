using System.Net;
using System.Net.Http.Headers;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>Presigned GET URLs on the RGW, fetched by a plain HttpClient that has no credentials.</summary>
public sealed class PresignedReadTests : BucketTest
{
    private static readonly HttpClient Http = new();

    [Test]
    public async Task APresignedUrlServesTheBytesWithoutCredentials()
    {
        var bytes = Bytes.Random(70_000, seed: 5);
        await PutAsync("blobs/sha256/p", bytes);

        var url = await Store.PresignReadAsync("blobs/sha256/p", TimeSpan.FromMinutes(5), None);

        Assert.That(Sha.Hex(await Http.GetByteArrayAsync(url)), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That(url!.Query, Does.Contain("X-Amz-Signature="));
        // the SDK counts the seconds from its clock corrected for the server's skew: 300 give or take one
        var expires = System.Web.HttpUtility.ParseQueryString(url.Query)["X-Amz-Expires"];
        Assert.That(int.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(299, 301));
    }

    [Test]
    public async Task OnACustomEndpointTheUrlIsPathStyleWithTheEndpointsScheme()
    {
        var url = await Store.PresignReadAsync("blobs/sha256/p", TimeSpan.FromMinutes(5), None);

        // Ceph has no per-bucket DNS names: the client must reach the endpoint exactly as given
        Assert.That(url!.GetLeftPart(UriPartial.Path), Is.EqualTo($"{RgwServer.Endpoint.TrimEnd('/')}/{Bucket}/blobs/sha256/p"));
    }

    [Test]
    public async Task APresignedUrlHonoursARange()
    {
        var bytes = Bytes.Random(10_000, seed: 6);
        await PutAsync("blobs/sha256/r", bytes);
        var url = await Store.PresignReadAsync("blobs/sha256/r", TimeSpan.FromMinutes(5), None);

        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(100, 199) } };
        using var response = await Http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[100..200]));
    }

    [Test]
    public async Task APresignedUrlIsRefusedOnceItsLifetimeHasPassed()
    {
        await PutAsync("blobs/sha256/e", [1, 2, 3]);
        var url = await Store.PresignReadAsync("blobs/sha256/e", TimeSpan.FromSeconds(1), None);

        // not a timing assertion on s3lo: the URL says it expires after 1 s, and the server enforces it
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var response = await Http.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task PresigningSendsNoRequest()
    {
        // nothing listens on port 1: a URL still comes back, signed from the credentials alone
        await using var offline = (S3ObjectStore)await new S3StoreProvider().OpenAsync(Bucket, new StoreOptions { Endpoint = "http://127.0.0.1:1" }, None);

        var url = await offline.PresignReadAsync("blobs/sha256/x", TimeSpan.FromMinutes(1), None);

        Assert.That(url!.GetLeftPart(UriPartial.Path), Is.EqualTo($"http://127.0.0.1:1/{Bucket}/blobs/sha256/x"));
    }
}
