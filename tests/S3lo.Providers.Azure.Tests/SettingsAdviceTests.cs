using S3lo.Core.Storage;

namespace S3lo.Providers.Azure.Tests;

/// <summary>config recommend's view of an Azurite container: every finding comes back, none throws.</summary>
[TestFixture]
public class SettingsAdviceTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private string _container = null!;
    private AzureObjectStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _container = Azurite.NewContainerName();
        _store = (AzureObjectStore)await new AzureStoreProvider(Azurite.Settings).OpenAsync(_container, new StoreOptions { CreateIfMissing = true }, None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        await Azurite.Service().GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }

    [Test]
    public async Task AnEmptyContainerGetsEveryFindingAndVersioningCannotBeToldYet()
    {
        var findings = await _store.InspectSettingsAsync(None);

        Assert.That(findings.Select(f => f.Topic), Is.EqualTo(new[] { "soft-delete", "versioning", "incomplete-uploads", "tiering" }));
        Assert.That(findings[0], Is.EqualTo(new StorageFinding("soft-delete", "off", null)));
        Assert.That(findings[1], Is.EqualTo(new StorageFinding("versioning", "unknown (the container holds no blob to tell by)", null)));
        Assert.That(findings[2].Advice, Is.Null);
        Assert.That(findings[3].Status, Is.EqualTo("blobs written to the Cool tier; lifecycle rules not readable from the data plane"));
        Assert.That(findings[3].Advice, Does.Contain("Lifecycle management"));
    }

    [Test]
    public async Task WithABlobVersioningIsKnown()
    {
        await _store.PutAsync("blobs/sha256/a", new SourceStream([1, 2, 3]), 3, PutOptions.Blob, None);

        var findings = await _store.InspectSettingsAsync(None);

        Assert.That(findings[1], Is.EqualTo(new StorageFinding("versioning", "off", null)));
    }
}
