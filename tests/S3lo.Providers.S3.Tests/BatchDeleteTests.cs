using Amazon.S3.Model;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>DeleteObjects on the RGW: a key the server refuses is reported with its reason, the rest still go.</summary>
[TestFixture]
public class BatchDeleteTests : BucketTest
{
    [Test]
    public async Task AKeyTheServerRefusesIsReportedAndTheOthersAreDeleted()
    {
        await PutAsync("protected/a", "a"u8.ToArray());
        await PutAsync("blobs/sha256/b", "b"u8.ToArray());
        await DenyAsync("s3:DeleteObject", $"arn:aws:s3:::{Bucket}/protected/*");
        try
        {
            var failures = await Store.DeleteManyAsync(["protected/a", "blobs/sha256/b"], None);

            Assert.That(failures.Select(f => f.Key), Is.EqualTo(new[] { "protected/a" }));
            Assert.That(failures[0].Reason, Does.StartWith("AccessDenied"));
            Assert.That(await Store.HeadAsync("blobs/sha256/b", None), Is.Null);
            Assert.That(await GetAsync("protected/a"), Is.EqualTo("a"u8.ToArray()));
        }
        finally
        {
            await RgwServer.Admin.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = Bucket });
        }
    }

    [Test]
    public async Task AFailedRequestBecomesAFailureForEachOfItsKeys()
    {
        // A bucket that is not there fails the whole POST ?delete request, not key by key.
        var missing = RgwServer.NewBucketName();
        await using var store = await new S3StoreProvider().OpenAsync(missing, RgwServer.Options(), None);

        var failures = await store.DeleteManyAsync(["blobs/sha256/a", "blobs/sha256/b"], None);

        Assert.That(failures.Select(f => f.Key), Is.EquivalentTo(new[] { "blobs/sha256/a", "blobs/sha256/b" }));
        Assert.That(failures.Select(f => f.Reason).Distinct(), Is.EqualTo(new[] { $"bucket s3://{missing} does not exist at {RgwServer.Endpoint.TrimEnd('/')}" }));
    }

    [Test]
    public void CancellationStillThrows()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.CatchAsync<OperationCanceledException>(() => Store.DeleteManyAsync(["blobs/sha256/a"], cancelled.Token));
    }

    private Task DenyAsync(string action, string resource) =>
        RgwServer.Admin.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = Bucket,
            Policy = $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"{{action}}","Resource":"{{resource}}"}]}
                """,
        });
}
