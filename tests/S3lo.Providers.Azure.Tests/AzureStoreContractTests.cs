using S3lo.Core.Storage;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.Azure.Tests;

/// <summary>The object-store contract on Azurite: a fresh container per test, 1 MiB blocks so 3 MiB is staged in blocks.</summary>
public sealed class AzureStoreContractTests : ObjectStoreContract
{
    private string _container = "";

    protected override async Task<IObjectStore> OpenFreshStoreAsync()
    {
        _container = Azurite.NewContainerName();
        var store = (AzureObjectStore)await new AzureStoreProvider(Azurite.Settings).OpenAsync(_container, new StoreOptions { CreateIfMissing = true }, None);
        store.SingleUploadThreshold = 1 * MiB;
        store.BlockSize = 1 * MiB;
        return store;
    }

    protected override async Task DeleteFreshStoreAsync()
    {
        if (_container.Length > 0) await Azurite.Service().GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }
}
