using Amazon.S3.Model;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>Multipart uploads a killed writer left open on the RGW: clean lists and aborts them.</summary>
[TestFixture]
public class IncompleteUploadTests : BucketTest
{
    [Test]
    public async Task AnUploadStartedAndNeverCompletedIsListedUntilAborted()
    {
        var started = DateTimeOffset.UtcNow;
        var uploadId = await StartUploadWithOnePartAsync("blobs/sha256/partial");
        await PutAsync("blobs/sha256/whole", "whole"u8.ToArray());

        var listed = await ListAsync();

        Assert.That(listed.Select(u => (u.Key, u.UploadId)), Is.EqualTo(new[] { ("blobs/sha256/partial", uploadId) }));
        Assert.That(listed[0].Initiated, Is.EqualTo(started).Within(TimeSpan.FromMinutes(2)));
        Assert.That(listed[0].Size, Is.Null, "ListMultipartUploads does not say how many bytes the parts hold");

        await Store.AbortAsync(listed[0], None);

        Assert.That(await ListAsync(), Is.Empty);
        Assert.That(await RgwServer.OpenUploadsAsync(Bucket), Is.Zero);
        Assert.That(await GetAsync("blobs/sha256/whole"), Is.EqualTo("whole"u8.ToArray()), "aborting touches no object");
    }

    [Test]
    public async Task UploadsOfEveryPrefixAreListed()
    {
        var ids = new[]
        {
            await StartUploadWithOnePartAsync("blobs/sha256/a"),
            await StartUploadWithOnePartAsync("blobs/sha256/a"),
            await StartUploadWithOnePartAsync("elsewhere/b"),
        };

        Assert.That((await ListAsync()).Select(u => u.UploadId), Is.EquivalentTo(ids));
    }

    [Test]
    public async Task EveryPageOfTheListingIsRead()
    {
        // Two uploads of one key and two of another, two a page: the next page starts inside a key (upload ID marker).
        var ids = new[]
        {
            await StartUploadWithOnePartAsync("blobs/sha256/a"),
            await StartUploadWithOnePartAsync("blobs/sha256/b"),
            await StartUploadWithOnePartAsync("blobs/sha256/b"),
            await StartUploadWithOnePartAsync("blobs/sha256/c"),
            await StartUploadWithOnePartAsync("blobs/sha256/c"),
        };
        Store.UploadListingPageSize = 2;

        var listed = await ListAsync();

        Assert.That(listed.Select(u => u.UploadId), Is.EquivalentTo(ids));
        Assert.That(listed, Has.Count.EqualTo(5), "no upload listed twice");
    }

    private async Task<string> StartUploadWithOnePartAsync(string key)
    {
        var start = await RgwServer.Admin.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key });
        using var part = new MemoryStream(Bytes.Random(1024, seed: 1));
        await RgwServer.Admin.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket, Key = key, UploadId = start.UploadId, PartNumber = 1, InputStream = part,
        });
        return start.UploadId;
    }

    private async Task<List<IncompleteUpload>> ListAsync()
    {
        var list = new List<IncompleteUpload>();
        await foreach (var upload in Store.ListIncompleteUploadsAsync(None)) list.Add(upload);
        return list;
    }
}
