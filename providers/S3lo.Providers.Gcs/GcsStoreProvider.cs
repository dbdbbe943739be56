using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

/// <summary>
/// The <c>gs://</c> scheme: Google Cloud Storage with Application Default Credentials, or the
/// emulator named by <c>STORAGE_EMULATOR_HOST</c>. <see cref="StoreOptions.Endpoint"/> is not used
/// (it names an S3-compatible server); <see cref="StoreOptions.Region"/> is the location of a bucket
/// that <see cref="StoreOptions.CreateIfMissing"/> creates.
/// </summary>
public sealed class GcsStoreProvider(ILoggerFactory? loggers = null) : IObjectStoreProvider
{
    private readonly ILogger _logger = (ILogger?)loggers?.CreateLogger<GcsStoreProvider>() ?? NullLogger.Instance;

    public string Scheme => "gs";

    public bool BucketIsPath => false;

    public string? BucketNameProblem(string bucket) => GcsBucketName.Problem(bucket);

    /// <summary>Where credentials come from; Application Default Credentials unless a test says otherwise.</summary>
    internal Func<CancellationToken, Task<GoogleCredential>>? Credentials { get; init; }

    public async Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct) =>
        await OpenAsync(bucket, options, GcsEndpoint.FromEnvironment(), GcsObjectStore.DefaultChunkSize, ct).ConfigureAwait(false);

    internal async Task<GcsObjectStore> OpenAsync(string bucket, StoreOptions options, GcsEndpoint endpoint, int chunkSize, CancellationToken ct)
    {
        var connection = await GcsClientFactory.ConnectAsync(endpoint, options, ct, Credentials, _logger).ConfigureAwait(false);
        GcsObjectStore store;
        try
        {
            store = new GcsObjectStore(connection, bucket, options.StorageClass, _logger, chunkSize);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        try
        {
            await store.EnsureBucketAsync(options.CreateIfMissing, options.Region, ct).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }
}
