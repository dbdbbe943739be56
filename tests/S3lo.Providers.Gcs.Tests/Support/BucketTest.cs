using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs.Tests.Support;

/// <summary>Each test gets a fresh bucket on the emulator and a store over it; both go at the end.</summary>
public abstract class BucketTest
{
    /// <summary>The smallest chunk GCS allows, so chunked uploads run with a few hundred KiB.</summary>
    protected const int SmallChunk = 256 * 1024;

    protected static readonly CancellationToken None = CancellationToken.None;
    protected string Bucket { get; private set; } = "";
    protected GcsObjectStore Store { get; private set; } = null!;
    protected CapturingLoggerFactory Logs { get; private set; } = null!;

    [SetUp]
    public async Task CreateBucket()
    {
        GcsEmulator.Require();
        Bucket = GcsEmulator.NewBucketName();
        Logs = new CapturingLoggerFactory();
        Store = await OpenAsync(GcsEmulator.Options(create: true));
    }

    [TearDown]
    public async Task DeleteBucket()
    {
        if (Store is not null) await Store.DisposeAsync();
        Logs?.Dispose();
        if (Bucket.Length > 0) await GcsEmulator.DeleteBucketAsync(Bucket);
    }

    protected Task<GcsObjectStore> OpenAsync(StoreOptions options, int chunkSize = SmallChunk) =>
        new GcsStoreProvider(Logs).OpenAsync(Bucket, options, GcsEmulator.Endpoint, chunkSize, None);

    protected Task<ObjectInfo> PutAsync(string key, byte[] bytes, PutOptions? options = null) =>
        Store.PutAsync(key, new SourceStream(bytes), bytes.Length, options ?? PutOptions.Blob, None);

    protected async Task<byte[]> GetAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, None);
        return await Bytes.ReadAllAsync(stream);
    }
}
