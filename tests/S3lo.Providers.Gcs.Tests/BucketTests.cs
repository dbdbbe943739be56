using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

public sealed class BucketTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private string _bucket = "";

    [SetUp]
    public void Require()
    {
        GcsEmulator.Require();
        _bucket = GcsEmulator.NewBucketName();
    }

    [TearDown]
    public Task Cleanup() => GcsEmulator.DeleteBucketAsync(_bucket);

    [Test]
    public void AMissingBucketIsOneLineNamingItAndHowToCreateIt()
    {
        var e = Assert.ThrowsAsync<NotFoundException>(() => new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options(), GcsEmulator.Endpoint, GcsObjectStore.DefaultChunkSize, None));

        Assert.That(e!.Message, Does.Contain(_bucket).And.Not.Contain("\n"));
        Assert.That(e.Hint, Does.Contain($"s3lo init gs://{_bucket}/"));
    }

    [Test]
    public async Task CreateIfMissingCreatesTheBucket()
    {
        await using (var store = await new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options(create: true), GcsEmulator.Endpoint, GcsObjectStore.DefaultChunkSize, None))
        {
            await store.PutAsync("s3lo.yaml", new MemoryStream([1, 2, 3]), 3, PutOptions.Metadata, None);
        }

        Assert.That(await GcsEmulator.BucketExistsAsync(_bucket), Is.True);
        await using var reopened = await new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options(), GcsEmulator.Endpoint, GcsObjectStore.DefaultChunkSize, None);
        Assert.That((await reopened.HeadAsync("s3lo.yaml", None))!.Size, Is.EqualTo(3));
    }

    [Test]
    public async Task CreateIfMissingOnAnExistingBucketKeepsIt()
    {
        await GcsEmulator.Admin.CreateBucketAsync("any-project", _bucket);
        await GcsEmulator.Admin.UploadObjectAsync(_bucket, "kept", null, new MemoryStream([7]));

        await using var store = await new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options(create: true), GcsEmulator.Endpoint, GcsObjectStore.DefaultChunkSize, None);

        Assert.That(await store.HeadAsync("kept", None), Is.Not.Null);
    }

    [Test]
    public async Task ThePublicOpenUsesSTORAGEEMULATORHOST()
    {
        await GcsEmulator.Admin.CreateBucketAsync("any-project", _bucket);

        await using var store = await new GcsStoreProvider().OpenAsync(_bucket, new StoreOptions(), None);

        Assert.That(store.DisplayName, Is.EqualTo($"gs://{_bucket}"));
        Assert.That(GcsProviderScheme(), Is.EqualTo("gs"));
    }

    [Test]
    public void AnUnreachableEndpointIsOneLine()
    {
        var started = DateTime.UtcNow;
        var e = Assert.ThrowsAsync<S3loException>(() =>
            new GcsStoreProvider().OpenAsync(_bucket, GcsEmulator.Options() with { Timeout = TimeSpan.FromSeconds(5) },
                new GcsEndpoint(new Uri("http://127.0.0.1:1/"), false), GcsObjectStore.DefaultChunkSize, None));

        Assert.That(e!.Message, Does.StartWith("cannot reach Google Cloud Storage at http://127.0.0.1:1").And.Not.Contain("\n"));
        Assert.That(e.Hint, Does.Contain("STORAGE_EMULATOR_HOST"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    /// <remarks>
    /// The only test that uses the real Application Default Credentials lookup: the Google library
    /// caches its first answer for the process. "Nothing found anywhere" is checked with the native binary.
    /// </remarks>
    [Test]
    public void NoCredentialsIsOneLineNamingWhatToSet()
    {
        using var env = new EnvironmentScope()
            .Set("STORAGE_EMULATOR_HOST", null)
            .Set("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/s3lo-key.json");

        var e = Assert.ThrowsAsync<S3loException>(() => new GcsStoreProvider().OpenAsync("any-bucket", new StoreOptions(), None));

        Assert.That(e!.Message, Does.StartWith("no Google Cloud credentials found").And.Not.Contain("\n"));
        Assert.That(e.Message, Does.Contain("/nonexistent/s3lo-key.json"));
        Assert.That(e.Hint, Does.Contain("GOOGLE_APPLICATION_CREDENTIALS").And.Contain("gcloud auth application-default login"));
    }

    [Test]
    public void AMalformedSTORAGEEMULATORHOSTIsAUsageError()
    {
        using var env = new EnvironmentScope().Set("STORAGE_EMULATOR_HOST", "ftp://nowhere");

        Assert.ThrowsAsync<UsageException>(() => new GcsStoreProvider().OpenAsync(_bucket, new StoreOptions(), None));
    }

    private static string GcsProviderScheme() => new GcsStoreProvider().Scheme;
}
