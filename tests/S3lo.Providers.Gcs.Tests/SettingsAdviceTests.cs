using S3lo.Core.Storage;
using S3lo.Providers.Gcs.Tests.Support;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>config recommend's view of a bucket on the storage emulator: every finding comes back, none throws.</summary>
[TestFixture]
public class SettingsAdviceTests : BucketTest
{
    [Test]
    public async Task AFreshBucketGetsEveryFinding()
    {
        var findings = await Store.InspectSettingsAsync(None);

        Assert.That(findings.Select(f => (f.Topic, f.Status)), Is.EqualTo(new[]
        {
            ("versioning", "off"),
            ("soft-delete", "off"),
            ("incomplete-uploads", "no rule (s3lo's resumable uploads expire after 7 days by themselves)"),
            ("tiering", "blobs take the default class STANDARD, Autoclass off"),
        }));
        Assert.That(findings[3].Advice, Does.StartWith("turn on Autoclass"));
    }

    [Test]
    public async Task TheStorageClassChosenForBlobsIsNamed()
    {
        await using var store = await OpenAsync(GcsEmulator.Options(storageClass: "coldline"));

        var tiering = (await store.InspectSettingsAsync(None))[3];

        Assert.That(tiering.Status, Is.EqualTo("blobs written as COLDLINE, Autoclass off"));
    }
}
