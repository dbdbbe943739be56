using System.Net;
using System.Net.Http.Headers;
using Azure.Storage.Sas;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure.Tests;

/// <summary>SAS URLs on Azurite (which checks their signature and expiry), fetched by a plain HttpClient without credentials.</summary>
[TestFixture]
public sealed class PresignedReadTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly HttpClient Http = new();
    private string _container = null!;
    private AzureObjectStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _container = Azurite.NewContainerName();
        _store = (AzureObjectStore)await new AzureStoreProvider(Azurite.Settings).OpenAsync(_container, new StoreOptions { CreateIfMissing = true }, None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        await Azurite.Service().GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }

    private async Task<byte[]> PutAsync(string key, int size, int seed)
    {
        var bytes = Bytes.Random(size, seed);
        await _store.PutAsync(key, new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);
        return bytes;
    }

    [Test]
    public async Task ASharedKeySasUrlServesTheBytesWithoutCredentials()
    {
        var bytes = await PutAsync("blobs/sha256/presigned", 50_000, 20);

        var url = await _store.PresignReadAsync("blobs/sha256/presigned", TimeSpan.FromMinutes(5), None);

        Assert.That(Sha.Hex(await Http.GetByteArrayAsync(url)), Is.EqualTo(Sha.Hex(bytes)));
        Assert.That(url!.GetLeftPart(UriPartial.Path), Is.EqualTo($"{Azurite.Service().Uri.AbsoluteUri.TrimEnd('/')}/{_container}/blobs/sha256/presigned"));
        Assert.That(url.Query, Does.Contain("sig=").And.Contain("sp=r&"));
    }

    [Test]
    public async Task ASasUrlHonoursARange()
    {
        var bytes = await PutAsync("blobs/sha256/ranged", 10_000, 21);
        var url = await _store.PresignReadAsync("blobs/sha256/ranged", TimeSpan.FromMinutes(5), None);

        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(100, 199) } };
        using var response = await Http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[100..200]));
    }

    [Test]
    public async Task ASasUrlReadsButDoesNotWrite()
    {
        var bytes = await PutAsync("blobs/sha256/kept", 1000, 22);
        var url = await _store.PresignReadAsync("blobs/sha256/kept", TimeSpan.FromMinutes(5), None);

        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await Http.SendAsync(put);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(Sha.Hex(await Http.GetByteArrayAsync(url)), Is.EqualTo(Sha.Hex(bytes)));
    }

    [Test]
    public async Task ASasUrlIsRefusedOnceItsLifetimeHasPassed()
    {
        await PutAsync("blobs/sha256/expiring", 10, 23);
        var url = await _store.PresignReadAsync("blobs/sha256/expiring", TimeSpan.FromSeconds(1), None);

        // not a timing assertion on s3lo: the SAS says it expires after 1 s (whole seconds), and Azurite enforces it
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var response = await Http.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ASasConnectionStringGivesNoUrlSoItsOwnTokenIsNeverHandedOut()
    {
        // the operator's SAS may allow writes and outlive any TTL: blobs are streamed instead
        var service = Azurite.Service();
        var sas = service.GenerateAccountSasUri(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All);
        var connectionString = $"BlobEndpoint={service.Uri.AbsoluteUri.TrimEnd('/')};SharedAccessSignature={sas.Query.TrimStart('?')}";
        await using var store = (AzureObjectStore)await new AzureStoreProvider(new AzureSettings(connectionString, null)).OpenAsync(_container, new StoreOptions(), None);
        await store.PutAsync("blobs/sha256/sas", new SourceStream([1]), 1, PutOptions.Blob, None);

        Assert.That(await store.PresignReadAsync("blobs/sha256/sas", TimeSpan.FromMinutes(5), None), Is.Null);
    }
}
