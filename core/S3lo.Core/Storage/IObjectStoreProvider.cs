namespace S3lo.Core.Storage;

/// <summary>Opens stores for one URI scheme; each provider assembly registers one in DI.</summary>
public interface IObjectStoreProvider
{
    /// <summary>The scheme without "://", e.g. "local" or "s3".</summary>
    string Scheme { get; }

    /// <param name="bucket">The bucket, container, or (for local) the absolute store root.</param>
    Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct);
}
