using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>Where to connect and how: endpoint, region and the SDK client configuration.</summary>
internal static class S3ClientSettings
{
    public const string DefaultRegion = "us-east-1";
    private const int MaxRetries = 5;
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>--endpoint, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL; null means AWS itself.</summary>
    public static Uri? ResolveEndpoint(StoreOptions options)
    {
        var (value, source) = NonEmpty(options.Endpoint) is { } flag ? (flag, "--endpoint")
            : NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")) is { } s3 ? (s3, "AWS_ENDPOINT_URL_S3")
            : NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL")) is { } any ? (any, "AWS_ENDPOINT_URL")
            : (null, null);
        if (value is null) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"{source} '{value}' is not an http(s) URL", "for example --endpoint http://127.0.0.1:9000");
        return uri;
    }

    /// <summary>--region, else AWS_REGION, else AWS_DEFAULT_REGION; null when none is configured.</summary>
    public static string? ConfiguredRegion(StoreOptions options) =>
        NonEmpty(options.Region)
        ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
        ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

    /// <summary>The region of the active shared-config profile (AWS_PROFILE or default), if it names one.</summary>
    public static string? ProfileRegion()
    {
        var name = NonEmpty(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        try
        {
            return new SharedCredentialsFile().TryGetProfile(name, out var profile) ? profile.Region?.SystemName : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    public static AmazonS3Config CreateConfig(Uri? endpoint, string region, TimeSpan? timeout, ILogger logger)
    {
        var config = new AmazonS3Config
        {
            // Standard mode: exponential backoff with jitter on throttling, 5xx and connection errors.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = MaxRetries,
            HttpClientFactory = new S3HttpClientFactory(logger, timeout),
            ConnectTimeout = timeout ?? DefaultConnectTimeout,
        };
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            return config;
        }
        config.ServiceURL = endpoint.ToString();
        config.AuthenticationRegion = region;
        // Compatible servers rarely have virtual-host DNS for buckets.
        config.ForcePathStyle = true;
        // The SDK's default (aws-chunked bodies with a CRC32 trailer) is refused by Ceph RGW and
        // older MinIO/R2; with WHEN_REQUIRED the body is plain (https) or SigV4-chunked (http).
        config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
        config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        return config;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
