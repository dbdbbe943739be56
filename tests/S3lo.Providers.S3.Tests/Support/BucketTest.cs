using S3lo.Core.Storage;

namespace S3lo.Providers.S3.Tests.Support;

/// <summary>Each test gets a fresh bucket on the RGW and a store over it; both go at the end.</summary>
public abstract class BucketTest
{
    protected static readonly CancellationToken None = CancellationToken.None;
    protected string Bucket { get; private set; } = "";
    protected S3ObjectStore Store { get; private set; } = null!;
    protected List<string> Warnings { get; } = [];

    [SetUp]
    public async Task CreateBucket()
    {
        RgwServer.Require();
        Bucket = RgwServer.NewBucketName();
        Warnings.Clear();
        Store = (S3ObjectStore)await new S3StoreProvider().OpenAsync(Bucket, RgwServer.Options(create: true), None);
        Store.Warn = Warnings.Add;
    }

    [TearDown]
    public async Task DeleteBucket()
    {
        if (Store is not null) await Store.DisposeAsync();
        if (Bucket.Length > 0) await RgwServer.DeleteBucketAsync(Bucket);
    }

    protected Task<ObjectInfo> PutAsync(string key, byte[] bytes, PutOptions? options = null) =>
        Store.PutAsync(key, new SourceStream(bytes), bytes.Length, options ?? PutOptions.Blob, None);

    protected async Task<byte[]> GetAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, None);
        return await Bytes.ReadAllAsync(stream);
    }

    /// <summary>Small parts so multipart paths run with a few MiB.</summary>
    protected void UseSmallParts()
    {
        Store.MultipartThreshold = 5 << 20;
        Store.PartSize = 5 << 20;
    }
}
