using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure.Tests;

[TestFixture]
public class AzureStoreProviderTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string UnreachableConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private readonly List<string> _containers = [];

    [TearDown]
    public async Task DeleteContainers()
    {
        foreach (var container in _containers) await Azurite.Service().GetBlobContainerClient(container).DeleteIfExistsAsync();
        _containers.Clear();
    }

    private string NewContainer()
    {
        var name = Azurite.NewContainerName();
        _containers.Add(name);
        return name;
    }

    private static void AssertOneLine(S3loException e)
    {
        TestContext.Out.WriteLine($"{e.GetType().Name}: {e.Message} (hint: {e.Hint})");
        Assert.That(e.Message, Does.Not.Contain('\n').And.Not.Contain('\r'));
        Assert.That(e.Hint ?? "", Does.Not.Contain('\n'));
    }

    [Test]
    public async Task CreateIfMissingCreatesTheContainer()
    {
        var name = NewContainer();

        await using var store = await new AzureStoreProvider(Azurite.Settings).OpenAsync(name, new StoreOptions { CreateIfMissing = true }, None);

        Assert.That((await Azurite.Service().GetBlobContainerClient(name).ExistsAsync()).Value, Is.True);
        Assert.That(store.DisplayName, Is.EqualTo("az://" + name));
    }

    [Test]
    public async Task OpeningAnExistingContainerWorks()
    {
        var name = NewContainer();
        await Azurite.Service().CreateBlobContainerAsync(name);

        await using var store = await new AzureStoreProvider(Azurite.Settings).OpenAsync(name, new StoreOptions(), None);

        Assert.That(await store.HeadAsync("nothing", None), Is.Null);
    }

    [Test]
    public void AMissingContainerIsOneLineNamingItAndInit()
    {
        var name = Azurite.NewContainerName();

        var e = Assert.ThrowsAsync<NotFoundException>(() => new AzureStoreProvider(Azurite.Settings).OpenAsync(name, new StoreOptions(), None))!;

        AssertOneLine(e);
        Assert.That(e.Message, Does.Contain(name));
        Assert.That(e.Hint, Does.Contain($"s3lo init az://{name}/"));
        Assert.That(e, Is.Not.InstanceOf<UsageException>(), "a failed operation: exit code 1");
    }

    [Test]
    public void NoCredentialsAtAllIsOneLineNamingBothVariables()
    {
        var e = Assert.ThrowsAsync<S3loException>(() =>
            new AzureStoreProvider(new AzureSettings(null, null)).OpenAsync("images", new StoreOptions(), None))!;

        AssertOneLine(e);
        Assert.That(e.Message, Does.Contain("AZURE_STORAGE_CONNECTION_STRING").And.Contain("AZURE_STORAGE_ACCOUNT"));
    }

    [Test]
    public void NoCredentialsInTheEnvironmentIsTheSameError()
    {
        using var _ = new EnvironmentScope().Set("AZURE_STORAGE_CONNECTION_STRING", null).Set("AZURE_STORAGE_ACCOUNT", null);

        var e = Assert.ThrowsAsync<S3loException>(() => new AzureStoreProvider().OpenAsync("images", new StoreOptions(), None))!;

        Assert.That(e.Message, Does.Contain("AZURE_STORAGE_CONNECTION_STRING").And.Contain("AZURE_STORAGE_ACCOUNT"));
    }

    [Test]
    public async Task TheConnectionStringVariableIsUsedWhenSet()
    {
        var name = NewContainer();
        using var _ = new EnvironmentScope().Set("AZURE_STORAGE_CONNECTION_STRING", Azurite.ConnectionString).Set("AZURE_STORAGE_ACCOUNT", "ignored");

        await using var store = await new AzureStoreProvider().OpenAsync(name, new StoreOptions { CreateIfMissing = true }, None);
        await store.PutAsync("k", new MemoryStream([7]), 1, PutOptions.Metadata, None);

        Assert.That((await store.HeadAsync("k", None))!.Size, Is.EqualTo(1));
    }

    [Test]
    public void AnUnreachableEndpointIsOneLineNamingItAndFailsQuickly()
    {
        var watch = Stopwatch.StartNew();

        var e = Assert.ThrowsAsync<S3loException>(() => new AzureStoreProvider(new AzureSettings(UnreachableConnectionString, null))
            .OpenAsync("images", new StoreOptions { Timeout = TimeSpan.FromSeconds(1) }, None))!;

        AssertOneLine(e);
        Assert.That(e.Message, Does.Contain("127.0.0.1:1"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public void AMalformedConnectionStringIsOneLineWithoutTheSecret()
    {
        var e = Assert.ThrowsAsync<S3loException>(() =>
            new AzureStoreProvider(new AzureSettings("AccountName=x;AccountKey=c2VjcmV0;nonsense", null)).OpenAsync("images", new StoreOptions(), None))!;

        AssertOneLine(e);
        Assert.That(e.Message, Does.Contain("AZURE_STORAGE_CONNECTION_STRING").And.Not.Contain("c2VjcmV0"));
    }

    [Test]
    public void AWrongAccountKeyIsAnAuthenticationError()
    {
        var wrongKey = Azurite.ConnectionString.Replace("AccountKey=Eby8", "AccountKey=AAAA", StringComparison.Ordinal);

        var e = Assert.ThrowsAsync<S3loException>(() =>
            new AzureStoreProvider(new AzureSettings(wrongKey, null)).OpenAsync(Azurite.NewContainerName(), new StoreOptions(), None))!;

        AssertOneLine(e);
        // Real Azure answers AuthenticationFailed, Azurite AuthorizationFailure.
        Assert.That(e.Message, Does.Contain("authentication failed").Or.Contain("permission denied (open the container"));
        Assert.That(e.Message, Does.Not.Contain("AAAA"));
    }

    [TestCase("UPPER")]
    [TestCase("a")]
    [TestCase("bad--name")]
    [TestCase("-start")]
    public void AnInvalidContainerNameIsAUsageError(string name)
    {
        Assert.ThrowsAsync<UsageException>(() => new AzureStoreProvider(Azurite.Settings).OpenAsync(name, new StoreOptions(), None));
    }

    [Test]
    public void AnUnknownAccessTierIsAUsageError()
    {
        var e = Assert.ThrowsAsync<UsageException>(() =>
            new AzureStoreProvider(Azurite.Settings).OpenAsync("images", new StoreOptions { StorageClass = "Archive" }, None))!;

        Assert.That(e.Hint, Does.Contain("Cool"));
    }

    [Test]
    public void TheProviderIsRegisteredUnderAz()
    {
        using var services = new ServiceCollection().AddAzureStoreProvider().BuildServiceProvider();

        var providers = services.GetServices<IObjectStoreProvider>().ToList();

        Assert.That(providers.Select(p => p.Scheme), Is.EqualTo(new[] { "az" }));
    }

    [Test]
    public void SettingsTreatBlankVariablesAsUnset()
    {
        using var _ = new EnvironmentScope().Set("AZURE_STORAGE_CONNECTION_STRING", "  ").Set("AZURE_STORAGE_ACCOUNT", "acct");

        Assert.That(AzureSettings.FromEnvironment(), Is.EqualTo(new AzureSettings(null, "acct")));
    }
}
