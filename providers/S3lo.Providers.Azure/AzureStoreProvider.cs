using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using S3lo.Core.Errors;
using S3lo.Core.Net;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

/// <summary>
/// The <c>az://</c> scheme: the bucket is a blob container. <c>AZURE_STORAGE_CONNECTION_STRING</c> wins
/// when set; otherwise <c>AZURE_STORAGE_ACCOUNT</c> (or <see cref="StoreOptions.Endpoint"/>) with
/// <c>DefaultAzureCredential</c>.
/// </summary>
public sealed class AzureStoreProvider : IObjectStoreProvider
{
    /// <summary>Azurite (the emulator) lags the SDK's newest API version; this one both understand.</summary>
    internal const BlobClientOptions.ServiceVersion ApiVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    internal const string NoCredentialsMessage =
        "no Azure credentials: set " + AzureSettings.ConnectionStringVariable + ", or " + AzureSettings.AccountVariable +
        " to sign in with DefaultAzureCredential";

    private readonly Func<AzureSettings> _settings;

    /// <summary>Reads the settings from the environment each time a store is opened.</summary>
    public AzureStoreProvider() : this(AzureSettings.FromEnvironment) { }

    public AzureStoreProvider(AzureSettings settings) : this(() => settings) { }

    private AzureStoreProvider(Func<AzureSettings> settings) => _settings = settings;

    public string Scheme => "az";

    public bool BucketIsPath => false;

    public string? BucketNameProblem(string bucket) => AzureContainerName.Problem(bucket);

    public async Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct)
    {
        ValidateContainerName(bucket);
        var blobTier = ParseTier(options.StorageClass);
        var settings = _settings();
        var clientOptions = CreateClientOptions(options.Timeout);
        var service = CreateServiceClient(settings, options, clientOptions, out var usesTokenCredential);
        var store = new AzureObjectStore(service, bucket, blobTier, usesTokenCredential);
        await store.EnsureContainerAsync(options.CreateIfMissing, ct).ConfigureAwait(false);
        return store;
    }

    private static BlobServiceClient CreateServiceClient(
        AzureSettings settings, StoreOptions options, BlobClientOptions clientOptions, out bool usesTokenCredential)
    {
        usesTokenCredential = false;
        if (settings.ConnectionString is { } connectionString)
        {
            try
            {
                return new BlobServiceClient(connectionString, clientOptions);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // Never echo the string itself: it holds the account key.
                throw new S3loException(
                    $"{AzureSettings.ConnectionStringVariable} is not a valid Azure Storage connection string",
                    "copy it from the portal (Access keys) or use 'UseDevelopmentStorage=true' for Azurite", inner: e);
            }
        }
        if (settings.Account is null && options.Endpoint is null)
            throw new S3loException(NoCredentialsMessage,
                $"for an emulator or an account key, {AzureSettings.ConnectionStringVariable} holds the connection string");
        var endpoint = options.Endpoint ?? $"https://{settings.Account}.blob.core.windows.net";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new UsageException($"'{endpoint}' is not a valid Azure Blob endpoint",
                settings.Account is null ? "use --endpoint https://ACCOUNT.blob.core.windows.net" : $"check {AzureSettings.AccountVariable}");
        usesTokenCredential = true;
        return new BlobServiceClient(uri, CreateCredential(), clientOptions);
    }

    private static TokenCredential CreateCredential() =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true });

    internal static BlobClientOptions CreateClientOptions(TimeSpan? timeout)
    {
        var options = new BlobClientOptions(ApiVersion);
        options.Retry.Mode = RetryMode.Exponential; // with jitter
        options.Retry.MaxRetries = 4;               // five tries in all
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        // A connection silent for the idle timeout fails the try (a stalled read too), which is retried.
        var idle = IdleTimeout.FromEnvironment();
        if (idle != Timeout.InfiniteTimeSpan) options.Retry.NetworkTimeout = idle;
        if (timeout is { } t && t > TimeSpan.Zero)
        {
            // --timeout bounds each try and each wait between tries, so a dead endpoint fails in about 5 × timeout.
            if (t < options.Retry.NetworkTimeout) options.Retry.NetworkTimeout = t;
            if (t < options.Retry.MaxDelay) options.Retry.MaxDelay = t;
            if (t < options.Retry.Delay) options.Retry.Delay = t;
        }
        return options;
    }

    /// <summary>The tier for <see cref="ObjectClass.Blob"/> objects: Cool unless the store options name another.</summary>
    internal static AccessTier ParseTier(string? storageClass) =>
        storageClass?.Trim().ToLowerInvariant() switch
        {
            null or "" or "cool" => AccessTier.Cool,
            "hot" => AccessTier.Hot,
            "cold" => AccessTier.Cold,
            _ => throw new UsageException($"'{storageClass}' is not an Azure access tier for blobs", "use Hot, Cool or Cold"),
        };

    /// <summary>Container names: 3-63 characters of lowercase letters, digits and single hyphens, starting and ending alphanumeric.</summary>
    internal static void ValidateContainerName(string name)
    {
        if (!AzureContainerName.IsValid(name))
            throw new UsageException($"'{name}' is not a valid Azure container name",
                "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
    }
}
