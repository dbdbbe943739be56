using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Storage;

namespace S3lo.Providers.Local;

/// <summary>The <c>local://</c> scheme: a store is a directory on this machine.</summary>
public sealed class LocalStoreProvider : IObjectStoreProvider
{
    public string Scheme => "local";

    /// <summary>BUCKET is a directory: core finds where the store root ends by looking for one along the path.</summary>
    public bool BucketIsPath => true;

    public string? BucketNameProblem(string bucket) => null;

    public Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct)
    {
        var root = Path.GetFullPath(bucket);
        var created = false;
        if (options.CreateIfMissing)
        {
            created = !Directory.Exists(root);
            Directory.CreateDirectory(root);
        }
        else if (!Directory.Exists(root))
            throw new NotFoundException($"local store {root} does not exist", $"run 's3lo init --local {root}' first");
        // './project/app:1' names its store directly: a folder that merely exists (say with a manifests/ of
        // Kubernetes YAML) must not have blobs written into it.
        else if (!FileSystemStoreProbe.IsStoreDirectory(root))
            throw new UsageException($"{root} is not an s3lo store (it has no s3lo.yaml, and not both blobs/sha256/ and manifests/)",
                $"run 's3lo init --local {root}' to make it one, or fix the store path");
        LocalTempCleaner.RemoveStale(root);
        return Task.FromResult<IObjectStore>(new LocalObjectStore(root) { Created = created });
    }
}
