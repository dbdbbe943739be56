using Azure.Storage.Blobs.Specialized;
using S3lo.Core.Storage;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Providers.Azure.Tests;

/// <summary>The incomplete-uploads contract on Azurite: a block staged at a key and never committed.</summary>
public sealed class AzureIncompleteUploadsContractTests : IncompleteUploadsContract
{
    private string _container = "";

    protected override async Task<IObjectStore> OpenFreshStoreAsync()
    {
        _container = Azurite.NewContainerName();
        var store = (AzureObjectStore)await new AzureStoreProvider(Azurite.Settings).OpenAsync(_container, new StoreOptions { CreateIfMissing = true }, None);
        store.SingleUploadThreshold = 1 << 20;
        store.BlockSize = 1 << 20;
        return store;
    }

    protected override async Task DeleteFreshStoreAsync()
    {
        if (_container.Length > 0) await Azurite.Service().GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }

    protected override async Task LeaveIncompleteUploadAsync(string key)
    {
        using var block = new MemoryStream(Bytes.Random(1024, seed: 1));
        await Azurite.Service().GetBlobContainerClient(_container).GetBlockBlobClient(key).StageBlockAsync(Convert.ToBase64String(new byte[12]), block);
    }
}
