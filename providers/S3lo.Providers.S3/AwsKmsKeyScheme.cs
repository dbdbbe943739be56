using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using S3lo.Core.Errors;
using S3lo.Core.Signing;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// <c>awskms://</c> keys. Opening only parses the reference and settles where requests go; the
/// first request resolves credentials. The endpoint is the reference's host (https, as in cosign),
/// else AWS_ENDPOINT_URL_KMS, else AWS_ENDPOINT_URL; the region is the ARN's, else AWS_REGION /
/// AWS_DEFAULT_REGION, else the profile's.
/// </summary>
public sealed class AwsKmsKeyScheme(ILoggerFactory? loggerFactory = null) : IKmsKeyScheme
{
    public string Scheme => AwsKmsKeyRef.Scheme;

    /// <summary>Fixed credentials instead of the default chain (tests).</summary>
    internal AWSCredentials? Credentials { get; init; }

    public ISigningKey Open(string keyRef) => OpenKey(keyRef);

    internal AwsKmsSigningKey OpenKey(string keyRef)
    {
        var key = AwsKmsKeyRef.Parse(keyRef);
        var endpoint = key.Endpoint ?? EndpointFromEnvironment();
        var region = key.Region
            ?? S3ClientSettings.ConfiguredRegion(new StoreOptions())
            ?? S3ClientSettings.ProfileRegion()
            // A KMS stand-in (LocalStack and the like) accepts any region for signing.
            ?? (endpoint is not null ? S3ClientSettings.DefaultRegion : null)
            ?? throw new UsageException($"no AWS region for KMS key {key.KeyId}",
                "set AWS_REGION, or name the key by its ARN (awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID)");
        var logger = loggerFactory?.CreateLogger<AwsKmsSigningKey>() ?? (ILogger)NullLogger.Instance;
        var credentials = Credentials is { } fixedCredentials
            ? _ => Task.FromResult(fixedCredentials)
            : (Func<CancellationToken, Task<AWSCredentials>>)AwsCredentialChain.ResolveAsync;
        return new AwsKmsSigningKey(key, endpoint, region, credentials, logger);
    }

    private static Uri? EndpointFromEnvironment()
    {
        foreach (var name in (ReadOnlySpan<string>)["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"])
        {
            if (Environment.GetEnvironmentVariable(name) is not { } raw || string.IsNullOrWhiteSpace(raw)) continue;
            var value = raw.Trim();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new UsageException($"{name} '{value}' is not an http(s) URL", "for example AWS_ENDPOINT_URL_KMS=https://kms.eu-west-1.amazonaws.com");
            return uri;
        }
        return null;
    }
}
