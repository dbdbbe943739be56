using Amazon.Runtime;
using S3lo.Core.Errors;
using S3lo.Core.Signing;

namespace S3lo.Providers.S3;

/// <summary>Turns KMS and network failures into the one-line errors a user can act on.</summary>
internal sealed class AwsKmsErrors(AwsKmsKeyRef key, Uri? endpoint, string region)
{
    private const string CredentialsHint =
        "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or the profile named by AWS_PROFILE";

    public string EndpointLabel { get; } = endpoint?.GetLeftPart(UriPartial.Authority) ?? $"AWS KMS ({region})";

    /// <summary>
    /// The user-facing error for <paramref name="e"/>, or null when it is to go up as it is (already
    /// one line, or the caller's own cancellation).
    /// </summary>
    public S3loException? Translate(Exception e, string action, string? credentialSource, CancellationToken ct)
    {
        if (e is S3loException || e is OperationCanceledException && ct.IsCancellationRequested) return null;
        if (e is AmazonServiceException { ErrorCode.Length: > 0 } service) return FromService(service, action, credentialSource);
        if (S3Errors.Unreachable(e) is { } reason)
            return new KeyServiceUnavailableException($"cannot reach {EndpointLabel} for KMS key {key.KeyId}: {reason}",
                "check AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL and the network, then retry", e);
        switch (e)
        {
            case AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError } failed:
                return Unavailable(action, $"HTTP {(int)failed.StatusCode}", e);
            case AmazonClientException client when client.Message.Contains("credential", StringComparison.OrdinalIgnoreCase):
                return new S3loException("no AWS credentials found",
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws/config (SSO, web identity and instance roles are also used)",
                    e);
            case OperationCanceledException:
                return Unavailable(action, "no answer in time", e);
        }
        return null;
    }

    private S3loException FromService(AmazonServiceException e, string action, string? credentialSource)
    {
        var code = e.ErrorCode;
        var credentials = credentialSource is null ? "the credentials in use" : $"the credentials from {credentialSource}";
        switch (code)
        {
            case "NotFoundException":
                return new NotFoundException($"KMS key {key.KeyId} does not exist in {EndpointLabel}",
                    key.Region is null ? "check the alias or key ID, and the region (AWS_REGION, or name the key by its ARN)" : "check the key's ARN");
            case "AccessDeniedException":
                return new S3loException($"{action} denied on KMS key {key.KeyId}",
                    $"grant {action} on the key to {credentials} (in its key policy or an IAM policy)", e);
            case "DisabledException":
                return new S3loException($"KMS key {key.KeyId} is disabled",
                    $"enable it (aws kms enable-key --key-id {key.KeyId}) or use another key", e);
            case "KMSInvalidStateException":
                return new S3loException($"KMS key {key.KeyId} cannot be used in its current state{Detail(e)}",
                    "a key pending deletion or import is unusable until cancelled or completed", e);
            case "InvalidKeyUsageException":
                return new S3loException($"KMS key {key.KeyId} cannot sign with ECDSA_SHA_256{Detail(e)}",
                    "s3lo needs a key created with --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY", e);
            case "InvalidSignatureException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException"
                or "UnrecognizedClientException" or "InvalidClientTokenId" or "SignatureDoesNotMatch":
                return new S3loException($"{action} denied on KMS key {key.KeyId}: {EndpointLabel} rejected {credentials} ({code})",
                    $"{CredentialsHint}; requests are signed for region {region}, which must be the key's", e);
            case "ExpiredTokenException" or "ExpiredToken":
                return new S3loException($"{action} denied on KMS key {key.KeyId}: the AWS session credentials are expired ({code})",
                    "refresh them (for SSO: aws sso login) or " + CredentialsHint, e);
            case "KMSInternalException" or "KeyUnavailableException" or "DependencyTimeoutException" or "ThrottlingException"
                or "ServiceUnavailableException" or "InternalFailure" or "ServiceUnavailable":
                return Unavailable(action, code, e);
        }
        if ((int)e.StatusCode >= 500) return Unavailable(action, $"{code} (HTTP {(int)e.StatusCode})", e);
        return new S3loException($"{action} on KMS key {key.KeyId} failed: {code} (HTTP {(int)e.StatusCode}){Detail(e)}", inner: e);
    }

    private KeyServiceUnavailableException Unavailable(string action, string what, Exception e) =>
        new($"{action} on KMS key {key.KeyId} failed after retries: {EndpointLabel} answered {what}",
            "the key service is unavailable or throttling; retry later", e);

    private static string Detail(AmazonServiceException e) =>
        string.IsNullOrWhiteSpace(e.Message) || e.Message.StartsWith("Error making request", StringComparison.Ordinal)
            ? ""
            : ": " + string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
}
