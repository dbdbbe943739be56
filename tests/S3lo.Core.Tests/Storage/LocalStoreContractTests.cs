using S3lo.Core.Storage;
using S3lo.Providers.Local;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Storage;

/// <summary>The object-store contract on local://: a fresh directory per test.</summary>
public sealed class LocalStoreContractTests : ObjectStoreContract
{
    private TempDir? _dir;

    protected override Task<IObjectStore> OpenFreshStoreAsync()
    {
        _dir = new TempDir("contract");
        return Task.FromResult<IObjectStore>(new LocalObjectStore(_dir.Sub("root")));
    }

    protected override Task DeleteFreshStoreAsync()
    {
        _dir?.Dispose();
        return Task.CompletedTask;
    }
}
