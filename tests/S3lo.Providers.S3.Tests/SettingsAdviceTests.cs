using Amazon.S3;
using Amazon.S3.Model;
using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>config recommend's view of a real RGW bucket: the findings follow what the bucket has.</summary>
[TestFixture]
public class SettingsAdviceTests : BucketTest
{
    [Test]
    public async Task AFreshBucketHasVersioningOffAndIsAdvisedAnAbortRule()
    {
        var findings = await FindingsAsync();

        Assert.That(findings.Select(f => f.Topic), Is.EqualTo(new[] { "versioning", "incomplete-uploads", "tiering" }));
        Assert.That(findings[0], Is.EqualTo(new StorageFinding("versioning", "off", null)));
        Assert.That(findings[1].Status, Is.EqualTo("no rule"));
        Assert.That(findings[1].Advice, Does.StartWith("add a lifecycle rule with AbortIncompleteMultipartUpload after 7 days"));
    }

    [Test]
    public async Task VersioningAndLifecycleRulesChangeTheFindings()
    {
        await RgwServer.Admin.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        await PutRulesAsync(new LifecycleRule
        {
            Id = "abort", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
        });

        var findings = await FindingsAsync();

        Assert.That(findings[0].Status, Is.EqualTo("enabled, noncurrent versions kept"));
        Assert.That(findings[0].Advice, Does.StartWith("add a lifecycle rule with NoncurrentVersionExpiration"));
        Assert.That(findings[1], Is.EqualTo(new StorageFinding("incomplete-uploads", "aborted after 7 days", null)));

        await PutRulesAsync(new LifecycleRule
        {
            Id = "abort", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 3 },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 7 },
        });

        findings = await FindingsAsync();

        Assert.That(findings[0], Is.EqualTo(new StorageFinding("versioning", "enabled, noncurrent versions expire", null)));
        Assert.That(findings[1], Is.EqualTo(new StorageFinding("incomplete-uploads", "aborted after 3 days", null)));
    }

    [Test]
    public async Task ADisabledAbortRuleDoesNotCount()
    {
        await PutRulesAsync(new LifecycleRule
        {
            Id = "abort", Status = LifecycleRuleStatus.Disabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
        });

        Assert.That((await FindingsAsync())[1].Status, Is.EqualTo("no rule"));
    }

    [Test]
    public async Task TieringNamesTheClassBlobsAreWrittenWith()
    {
        var tiering = (await FindingsAsync())[2];

        Assert.That(tiering, Is.EqualTo(new StorageFinding("tiering", "blobs written as INTELLIGENT_TIERING, no archive configuration", null)));
    }

    [Test]
    public async Task ARefusedCallMakesItsFindingUnknownAndTheOthersStillAnswer()
    {
        // A bucket policy denies reading the lifecycle rules, as an IAM policy without s3:GetLifecycleConfiguration would.
        await RgwServer.Admin.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = Bucket,
            Policy = $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetLifecycleConfiguration","Resource":"arn:aws:s3:::{{Bucket}}"}]}
                """,
        });

        var findings = await FindingsAsync();

        Assert.That(findings[0], Is.EqualTo(new StorageFinding("versioning", "off", null)));
        Assert.That(findings[1].Status, Is.EqualTo("unknown (AccessDenied)"));
        Assert.That(findings[1].Advice, Does.StartWith("add a lifecycle rule with AbortIncompleteMultipartUpload"));
    }

    private Task PutRulesAsync(params LifecycleRule[] rules) =>
        RgwServer.Admin.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = Bucket, Configuration = new LifecycleConfiguration { Rules = [.. rules] },
        });

    private async Task<List<StorageFinding>> FindingsAsync() => [.. await Store.InspectSettingsAsync(None)];
}
