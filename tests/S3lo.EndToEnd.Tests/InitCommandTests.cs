using System.Text.Json;
using Amazon.S3.Model;

namespace S3lo.EndToEnd.Tests;

/// <summary>`s3lo init` on every scheme's real server: create, probe access, write the default config, refuse foreign buckets.</summary>
[TestFixture]
public class InitCommandTests
{
    /// <summary>The default config as a local init writes it: every scheme writes the same bytes.</summary>
    private static readonly Lazy<string> DefaultConfigSha = new(() =>
    {
        using var local = new TempStore();
        return StoreChecker.Sha256Hex(File.ReadAllBytes(Path.Combine(local.Root, "s3lo.yaml")));
    });

    [TestCase("local")]
    [TestCase("s3")]
    [TestCase("gs")]
    [TestCase("az")]
    public void InitCreatesAMissingBucketChecksAccessAndWritesOnlyTheDefaultConfig(string scheme)
    {
        using var bucket = TestBucket.Create(scheme, initialize: false);

        var first = TestBucket.S3lo("init", bucket.Url);

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString);
        Assert.That(first.StdoutLines[0], Does.Match($"^store:  created {System.Text.RegularExpressions.Regex.Escape(bucket.Url)}( in \\S+)?$"));
        Assert.That(first.StdoutLines.Skip(1), Is.EqualTo(new[]
        {
            "access: read, write and delete work",
            "config: wrote the default s3lo.yaml",
            $"initialized {bucket.Url}",
        }));
        Assert.That(bucket.Objects(), Is.EqualTo(new[] { ("s3lo.yaml", DefaultConfigSha.Value) }), "the probe object is gone, the config is the default");

        var again = TestBucket.S3lo("init", bucket.Url);

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString);
        Assert.That(again.StdoutLines[0], Does.Match($"^store:  {System.Text.RegularExpressions.Regex.Escape(bucket.Url)} is already a store( \\(\\S+\\))?$"));
        Assert.That(again.StdoutLines.Skip(1), Is.EqualTo(new[]
        {
            "access: read, write and delete work",
            "config: kept the existing s3lo.yaml",
            $"initialized {bucket.Url}",
        }));
    }

    [Test]
    public void ABucketHoldingOtherObjectsIsRefusedUntouchedAndForceMakesItAStore()
    {
        using var bucket = S3Server.CreateBucket();
        using (var client = S3Server.Client())
            client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "reports/2026.csv", ContentBody = "a,b\n" }).GetAwaiter().GetResult();
        var before = bucket.Objects();

        var refused = TestBucket.S3lo("init", bucket.Url);

        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString);
        Assert.That(refused.StdoutLines, Is.Empty);
        Assert.That(refused.StderrLines, Is.EqualTo(new[]
        {
            $"error: s3://{bucket.Name} is not empty and not an s3lo store (it holds 'reports/2026.csv'); nothing was written",
            "hint: use an empty bucket, or add --force to keep those objects and make it a store anyway",
        }));
        Assert.That(bucket.Objects(), Is.EqualTo(before));

        var forced = TestBucket.S3lo("init", bucket.Url, "--force", "--output", "json");

        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString);
        using var json = JsonDocument.Parse(forced.Stdout);
        Assert.That(json.RootElement.GetProperty("contents").GetString(), Is.EqualTo("other"));
        Assert.That(json.RootElement.GetProperty("configWritten").GetBoolean(), Is.True);
        Assert.That(bucket.Objects().Select(o => o.Key), Is.EquivalentTo(new[] { "reports/2026.csv", "s3lo.yaml" }));
    }

    // Ceph applies an explicit Deny in a bucket policy to the bucket's owner too: the one way to take delete
    // away from the test credentials on this server.
    [Test]
    public void ABucketWithoutDeletePermissionIsInitializedWithAWarningThatNamesWhatWillFail()
    {
        using var bucket = S3Server.CreateBucket();
        using var client = S3Server.Client();
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":"s3:DeleteObject","Resource":["arn:aws:s3:::{{bucket.Name}}/*"]}]}
            """;
        client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket.Name, Policy = policy }).GetAwaiter().GetResult();
        try
        {
            var r = TestBucket.S3lo("init", bucket.Url);

            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
            Assert.That(r.StdoutLines, Is.EqualTo(new[]
            {
                $"store:  {bucket.Url} exists and is empty",
                "access: read and write work; delete was refused",
                "config: wrote the default s3lo.yaml",
                $"initialized {bucket.Url}",
            }));
            Assert.That(r.StderrLines, Has.Length.EqualTo(1));
            Assert.That(r.StderrLines[0], Does.Match(
                @"^warning: .+; push, pull and copy work, but delete and clean will fail \(the probe object s3lo-init-probe/[0-9a-f]{16} stays\)$"));
            Assert.That(r.StderrLines[0], Does.Contain("s3:DeleteObject").Or.Contain("denied").IgnoreCase);
            var keys = bucket.Objects().Select(o => o.Key).ToList();
            Assert.That(keys, Has.Count.EqualTo(2).And.Contain("s3lo.yaml"));
            Assert.That(keys.Single(k => k != "s3lo.yaml"), Does.Match("^s3lo-init-probe/[0-9a-f]{16}$"));

            // The left probe does not make the bucket foreign to a later init.
            var again = TestBucket.S3lo("init", bucket.Url, "--output", "json");
            Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString);
            using var json = JsonDocument.Parse(again.Stdout);
            Assert.That(json.RootElement.GetProperty("contents").GetString(), Is.EqualTo("store"));
            Assert.That(json.RootElement.GetProperty("access").GetProperty("delete").GetBoolean(), Is.False);
        }
        finally
        {
            client.DeleteBucketPolicyAsync(bucket.Name).GetAwaiter().GetResult();
        }
    }
}
