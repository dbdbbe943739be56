using System.Text;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>
/// The bucket settings the storage emulator cannot hold (it keeps no versioning, lifecycle rules, soft delete or
/// Autoclass, and has no bucket PATCH), served by an in-process stand-in that answers the bucket read with the
/// JSON Google Cloud Storage sends. Everything else is the real client over a real socket.
/// </summary>
[TestFixture]
public class SettingsAdviceStandInTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task VersioningWithoutANoncurrentRuleAndSoftDeleteAreAdvisedAgainst()
    {
        var findings = await FindingsAsync(200, """
            {"name":"b","storageClass":"NEARLINE","versioning":{"enabled":true},"softDeletePolicy":{"retentionDurationSeconds":"604800"}}
            """);

        Assert.That(findings[0].Status, Is.EqualTo("enabled, noncurrent versions kept"));
        Assert.That(findings[0].Advice, Does.StartWith("add a lifecycle rule with action Delete and condition daysSinceNoncurrentTime"));
        Assert.That(findings[1].Status, Is.EqualTo("deleted objects kept 7 days"));
        Assert.That(findings[1].Advice, Does.StartWith("deleted blobs stay billed for the soft-delete retention"));
        Assert.That(findings[2], Is.EqualTo(new StorageFinding("incomplete-uploads", "no rule (s3lo's resumable uploads expire after 7 days by themselves)", null)));
        Assert.That(findings[3].Status, Is.EqualTo("blobs take the default class NEARLINE, Autoclass off"));
        Assert.That(findings[3].Advice, Does.StartWith("turn on Autoclass"));
    }

    [Test]
    public async Task RulesForNoncurrentVersionsAndIncompleteUploadsAndAutoclassNeedNoAdvice()
    {
        var findings = await FindingsAsync(200, """
            {"name":"b","versioning":{"enabled":true},"softDeletePolicy":{"retentionDurationSeconds":"0"},
             "autoclass":{"enabled":true,"terminalStorageClass":"ARCHIVE"},
             "lifecycle":{"rule":[{"action":{"type":"Delete"},"condition":{"daysSinceNoncurrentTime":7}},
                                  {"action":{"type":"AbortIncompleteMultipartUpload"},"condition":{"age":3}}]}}
            """);

        Assert.That(findings, Is.EqualTo(new[]
        {
            new StorageFinding("versioning", "enabled, noncurrent versions expire", null),
            new StorageFinding("soft-delete", "off", null),
            new StorageFinding("incomplete-uploads", "aborted after 3 days", null),
            new StorageFinding("tiering", "Autoclass on (down to ARCHIVE)", null),
        }));
    }

    [Test]
    public async Task ABucketReadThatIsRefusedMakesEveryFindingUnknown()
    {
        var findings = await FindingsAsync(403, """
            {"error":{"code":403,"message":"s3lo@p.iam.gserviceaccount.com does not have storage.buckets.get access to the Google Cloud Storage bucket.","errors":[{"reason":"forbidden"}]}}
            """);

        Assert.That(findings.Select(f => f.Topic), Is.EqualTo(new[] { "versioning", "soft-delete", "incomplete-uploads", "tiering" }));
        Assert.That(findings.Select(f => f.Status).Distinct(), Is.EqualTo(new[]
        {
            "unknown (403 s3lo@p.iam.gserviceaccount.com does not have storage.buckets.get access to the Google Cloud Storage bucket.)",
        }));
    }

    private static async Task<List<StorageFinding>> FindingsAsync(int status, string bucketJson)
    {
        var reads = 0;
        using var server = new LoopbackHttpServer(async context =>
        {
            // Opening the store reads the bucket once (it exists); the settings read is the second.
            var answer = Interlocked.Increment(ref reads) == 1 ? 200 : status;
            var body = answer == 200 && status != 200 ? """{"name":"b"}""" : bucketJson;
            await LoopbackHttpServer.WriteAsync(context, answer, Encoding.UTF8.GetBytes(body), "application/json");
        });
        var endpoint = new GcsEndpoint(new Uri($"http://{server.Authority}/"), Authenticated: false);
        await using var store = await new GcsStoreProvider().OpenAsync("b", new StoreOptions(), endpoint, 256 * 1024, None);
        return [.. await store.InspectSettingsAsync(None)];
    }
}
