using System.Net;
using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;
using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>
/// V4 signed URLs of a service-account key, fetched by a plain HttpClient. The emulator serves them
/// without checking the signature (CredentialTests checks its form); what it shows is where the URL points
/// and that it reads the object, ranges included.
/// </summary>
public sealed class PresignedReadTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly HttpClient Http = new();
    private string _bucket = "";
    private DirectoryInfo _keys = null!;
    private GcsObjectStore _store = null!;

    [SetUp]
    public async Task Open()
    {
        GcsEmulator.Require();
        _bucket = GcsEmulator.NewBucketName();
        _keys = Directory.CreateTempSubdirectory("s3lo-gcs-keys-");
        var path = ServiceAccountKey.Write(_keys.FullName);
        var provider = new GcsStoreProvider
        {
            Credentials = _ => Task.FromResult(CredentialFactory.FromFile<ServiceAccountCredential>(path).ToGoogleCredential()),
        };
        _store = await provider.OpenAsync(_bucket, GcsEmulator.Options(create: true), new GcsEndpoint(GcsEmulator.BaseUri, true), GcsObjectStore.DefaultChunkSize, None);
    }

    [TearDown]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        _keys.Delete(recursive: true);
        await GcsEmulator.DeleteBucketAsync(_bucket);
    }

    [Test]
    public async Task ASignedUrlHonoursARange()
    {
        var bytes = Bytes.Random(10_000, 2);
        await _store.PutAsync("blobs/sha256/ranged", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);
        var url = await _store.PresignReadAsync("blobs/sha256/ranged", TimeSpan.FromMinutes(5), None);

        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(100, 199) } };
        using var response = await Http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[100..200]));
    }

    [Test]
    public async Task TheLifetimeIsTheTtlInWholeSeconds()
    {
        var url = await _store.PresignReadAsync("blobs/sha256/x", TimeSpan.FromSeconds(90), None);

        Assert.That(System.Web.HttpUtility.ParseQueryString(url!.Query)["X-Goog-Expires"], Is.EqualTo("90"));
    }
}
