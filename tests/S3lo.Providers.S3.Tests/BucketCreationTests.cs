using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class BucketCreationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SetUp]
    public void RequireServer() => RgwServer.Require();

    [Test]
    public async Task CreateIfMissingCreatesTheBucketAndIsIdempotent()
    {
        var bucket = RgwServer.NewBucketName();
        try
        {
            await using (var store = await new S3StoreProvider().OpenAsync(bucket, RgwServer.Options(create: true), None))
            {
                Assert.That(await RgwServer.BucketExistsAsync(bucket), Is.True);
                await store.PutAsync("s3lo.yaml", new MemoryStream("x: 1\n"u8.ToArray()), 5, PutOptions.Metadata, None);
            }
            await using (var again = await new S3StoreProvider().OpenAsync(bucket, RgwServer.Options(create: true), None))
                Assert.That(await again.HeadAsync("s3lo.yaml", None), Is.Not.Null);
        }
        finally
        {
            await RgwServer.DeleteBucketAsync(bucket);
        }
    }

    [Test]
    public async Task OpeningWithoutCreateMakesNoBucket()
    {
        var bucket = RgwServer.NewBucketName();

        await using (await new S3StoreProvider().OpenAsync(bucket, RgwServer.Options(), None)) { }

        Assert.That(await RgwServer.BucketExistsAsync(bucket), Is.False);
    }
}
