using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// The <c>s3://</c> scheme: AWS S3 and S3-compatible servers (MinIO, R2, Ceph RGW). Credentials
/// come from the AWS default chain (<see cref="AwsCredentialChain"/>): found when the store opens,
/// fetched at the first request. Opening makes no network call unless the region must be
/// discovered, the bucket created, or instance metadata is the only source left.
/// </summary>
public sealed class S3StoreProvider(ILoggerFactory? loggerFactory = null) : IObjectStoreProvider
{
    public string Scheme => "s3";

    public bool BucketIsPath => false;

    public string? BucketNameProblem(string bucket) => S3BucketName.Problem(bucket);

    /// <summary>Fixed credentials instead of the default chain (tests).</summary>
    internal AWSCredentials? Credentials { get; init; }

    public async Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        var logger = loggerFactory?.CreateLogger<S3ObjectStore>() ?? (ILogger)NullLogger.Instance;
        var endpoint = S3ClientSettings.ResolveEndpoint(options);
        var credentials = Credentials ?? await AwsCredentialChain.ResolveAsync(ct).ConfigureAwait(false);
        // A custom endpoint without a region: us-east-1, which compatible servers accept for signing.
        var region = S3ClientSettings.ConfiguredRegion(options)
            ?? (endpoint is not null ? S3ClientSettings.DefaultRegion : await DiscoverRegionAsync(bucket, credentials, options, logger, ct).ConfigureAwait(false));
        var client = new AmazonS3Client(credentials, S3ClientSettings.CreateConfig(endpoint, region, options.Timeout, logger));
        var store = new S3ObjectStore(client, bucket, endpoint, region, options.StorageClass, logger);
        ApplyTuning(store);
        try
        {
            if (options.CreateIfMissing) await store.EnsureBucketAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }

    /// <summary>
    /// S3LO_S3_MULTIPART_THRESHOLD_MB and S3LO_S3_PART_SIZE_MB: tuning for slow or fast links, and
    /// small values let tests exercise multipart uploads with small blobs.
    /// </summary>
    private static void ApplyTuning(S3ObjectStore store)
    {
        if (MegabytesFromEnvironment("S3LO_S3_MULTIPART_THRESHOLD_MB") is { } threshold) store.MultipartThreshold = threshold;
        if (MegabytesFromEnvironment("S3LO_S3_PART_SIZE_MB") is { } part) store.PartSize = (int)Math.Max(5L << 20, Math.Min(part, 1L << 30));
    }

    private static long? MegabytesFromEnvironment(string name) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mb) && mb > 0
            ? mb << 20
            : null;

    /// <summary>
    /// The bucket's region from HeadBucket against us-east-1: S3 names it in x-amz-bucket-region,
    /// on success and on the 301/403 it answers for a bucket elsewhere.
    /// </summary>
    private static async Task<string> DiscoverRegionAsync(string bucket, AWSCredentials credentials, StoreOptions options, ILogger logger, CancellationToken ct)
    {
        using var client = new AmazonS3Client(credentials, S3ClientSettings.CreateConfig(null, S3ClientSettings.DefaultRegion, options.Timeout, logger));
        var errors = new S3Errors(bucket, null, S3ClientSettings.DefaultRegion);
        try
        {
            var response = await client.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, ct).ConfigureAwait(false);
            return string.IsNullOrEmpty(response.BucketRegion) ? S3ClientSettings.DefaultRegion : response.BucketRegion;
        }
        catch (AmazonS3Exception e) when (S3Errors.RegionNamedBy(e) is { } named)
        {
            return named;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            if (!options.CreateIfMissing) throw errors.BucketMissing();
            // A new bucket goes to the profile's region when it names one.
            return S3ClientSettings.ProfileRegion() ?? S3ClientSettings.DefaultRegion;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.MovedPermanently or HttpStatusCode.BadRequest)
        {
            // A HEAD error has no body; GetBucketLocation answers from us-east-1 for any bucket.
            if (await BucketLocationAsync(client, bucket, ct).ConfigureAwait(false) is { } location) return location;
            logger.LogDebug("s3: could not discover the region of {Bucket} (HTTP {Status}); using {Region}", bucket, (int)e.StatusCode, S3ClientSettings.DefaultRegion);
            return S3ClientSettings.DefaultRegion;
        }
        catch (Exception e) when (errors.Translate(e, "s3:ListBucket", null, ct) is { } error)
        {
            throw error;
        }
    }

    private static async Task<string?> BucketLocationAsync(AmazonS3Client client, string bucket, CancellationToken ct)
    {
        try
        {
            var response = await client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
            return response.Location?.Value switch
            {
                null or "" => S3ClientSettings.DefaultRegion,
                "EU" => "eu-west-1",
                { } name => name,
            };
        }
        catch (AmazonS3Exception e)
        {
            return S3Errors.RegionNamedBy(e);
        }
    }
}
