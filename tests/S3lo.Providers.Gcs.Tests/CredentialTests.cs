using System.Web;
using Google.Apis.Auth.OAuth2;
using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>
/// The authenticated path with a service-account key against the emulator, which accepts any
/// credentials and does not check signatures. The key is handed over directly: Application Default
/// Credentials are cached per process (the native binary test reads them from GOOGLE_APPLICATION_CREDENTIALS).
/// </summary>
public sealed class CredentialTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private string _bucket = "";
    private DirectoryInfo _keys = null!;

    [SetUp]
    public void Require()
    {
        GcsEmulator.Require();
        _bucket = GcsEmulator.NewBucketName();
        _keys = Directory.CreateTempSubdirectory("s3lo-gcs-keys-");
    }

    [TearDown]
    public async Task Cleanup()
    {
        _keys.Delete(recursive: true);
        await GcsEmulator.DeleteBucketAsync(_bucket);
    }

    [Test]
    public async Task AServiceAccountKeyAuthenticatesAndSignsGetUrls()
    {
        using var env = new EnvironmentScope().Set("GOOGLE_CLOUD_PROJECT", null);
        var bytes = Bytes.Random(5000, 1);

        await using var store = await WithServiceAccount().OpenAsync(_bucket, GcsEmulator.Options(create: true), new GcsEndpoint(GcsEmulator.BaseUri, true), GcsObjectStore.DefaultChunkSize, None);
        await store.PutAsync("blobs/sha256/signed", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);
        var url = await store.PresignReadAsync("blobs/sha256/signed", TimeSpan.FromMinutes(15), None);

        Assert.That(url, Is.Not.Null);
        var query = HttpUtility.ParseQueryString(url!.Query);
        Assert.That(url.GetLeftPart(UriPartial.Path), Is.EqualTo($"{GcsEmulator.BaseUri}{_bucket}/blobs/sha256/signed"));
        Assert.That(query["X-Goog-Algorithm"], Is.EqualTo("GOOG4-RSA-SHA256"));
        Assert.That(query["X-Goog-Credential"], Does.StartWith(ServiceAccountKey.Email + "/"));
        Assert.That(query["X-Goog-Expires"], Is.EqualTo("900"));
        Assert.That(query["X-Goog-Signature"], Does.Match("^[0-9a-f]{512}$"));
        using var http = new HttpClient();
        Assert.That(Sha.Hex(await http.GetByteArrayAsync(url)), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task BucketsAreCreatedInTheProjectOfTheServiceAccount()
    {
        using var env = new EnvironmentScope().Set("GOOGLE_CLOUD_PROJECT", null);
        var provider = WithServiceAccount();
        await using var store = await provider.OpenAsync(_bucket, GcsEmulator.Options(create: true), new GcsEndpoint(GcsEmulator.BaseUri, true), GcsObjectStore.DefaultChunkSize, None);
        var connection = await GcsClientFactory.ConnectAsync(new GcsEndpoint(GcsEmulator.BaseUri, true), new StoreOptions(), None, provider.Credentials);

        Assert.That(await connection.ProjectIdAsync(None), Is.EqualTo(ServiceAccountKey.ProjectId));
        Assert.That(await GcsEmulator.BucketExistsAsync(_bucket), Is.True);
        connection.Dispose();
    }

    private GcsStoreProvider WithServiceAccount()
    {
        var path = ServiceAccountKey.Write(_keys.FullName);
        return new GcsStoreProvider
        {
            Credentials = _ => Task.FromResult(CredentialFactory.FromFile<ServiceAccountCredential>(path).ToGoogleCredential()),
        };
    }

    [Test]
    public async Task WithoutSigningCredentialsThereIsNoPresignedUrl()
    {
        await using var store = await new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options(create: true), GcsEmulator.Endpoint, GcsObjectStore.DefaultChunkSize, None);

        Assert.That(await store.PresignReadAsync("anything", TimeSpan.FromMinutes(5), None), Is.Null);
    }
}
