using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.Local;

/// <summary>The <c>local://</c> scheme: a store is a directory on this machine.</summary>
public sealed class LocalStoreProvider : IObjectStoreProvider
{
    public string Scheme => "local";

    public Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct)
    {
        var root = Path.GetFullPath(bucket);
        if (options.CreateIfMissing) Directory.CreateDirectory(root);
        else if (!Directory.Exists(root))
            throw new NotFoundException($"local store {root} does not exist", $"run 's3lo init --local {root}' first");
        return Task.FromResult<IObjectStore>(new LocalObjectStore(root));
    }
}
