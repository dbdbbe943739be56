using Amazon.S3.Model;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

[TestFixture]
public class StorageClassTests : BucketTest
{
    private async Task<string?> StorageClassOf(string key) =>
        (await RgwServer.Admin.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key })).StorageClass?.Value;

    [Test]
    public async Task BlobsFallBackToStandardWithOneWarningWhenTheServerRefusesIntelligentTiering()
    {
        UseSmallParts();
        var bytes = Bytes.Random(1000, seed: 40);

        await PutAsync("blobs/sha256/a", bytes);
        await PutAsync("blobs/sha256/b", bytes);
        await Store.PutAsync("blobs/sha256/c", new SourceStream(Bytes.Random(6 << 20, seed: 41)), 6 << 20, PutOptions.Blob, None);

        Assert.That(Warnings, Has.Count.EqualTo(1));
        Assert.That(Warnings[0], Does.Contain("INTELLIGENT_TIERING").And.Contain("STANDARD"));
        foreach (var key in new[] { "blobs/sha256/a", "blobs/sha256/b", "blobs/sha256/c" })
        {
            Assert.That(await GetAsync(key), Has.Length.GreaterThan(0), key);
            Assert.That(await StorageClassOf(key), Is.Null.Or.EqualTo("STANDARD"), key);
        }
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
    }

    [Test]
    public async Task ParallelFirstBlobPutsWarnOnce()
    {
        var puts = Enumerable.Range(0, 8).Select(i => PutAsync($"blobs/sha256/{i}", Bytes.Random(100, seed: i)));

        await Task.WhenAll(puts);

        Assert.That(Warnings, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task MetadataIsStandardAndNeedsNoFallback()
    {
        await PutAsync("manifests/app/v1/manifest.json", Bytes.Random(100, seed: 42), PutOptions.Metadata);

        Assert.That(Warnings, Is.Empty);
        Assert.That(await StorageClassOf("manifests/app/v1/manifest.json"), Is.Null.Or.EqualTo("STANDARD"));
    }

    [Test]
    public async Task ServerSideCopyOfABlobFallsBackToo()
    {
        await PutAsync("src", Bytes.Random(100, seed: 43), PutOptions.Metadata);

        Assert.That(await Store.TryCopyFromAsync(Store, "src", "dst", PutOptions.Blob, None), Is.True);

        Assert.That(Warnings, Has.Count.EqualTo(1));
        Assert.That(await StorageClassOf("dst"), Is.Null.Or.EqualTo("STANDARD"));
    }
}
