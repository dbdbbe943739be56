using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using S3lo.Core.Errors;

namespace S3lo.Providers.S3;

/// <summary>Turns SDK and network failures into the one-line errors a user can act on.</summary>
internal sealed class S3Errors(string bucket, Uri? endpoint, string region)
{
    private const string CredentialsHint =
        "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or the profile named by AWS_PROFILE";

    public string EndpointLabel { get; } = endpoint?.GetLeftPart(UriPartial.Authority) ?? $"AWS S3 ({region})";

    public S3loException BucketMissing() =>
        new NotFoundException($"bucket s3://{bucket} does not exist at {EndpointLabel}", $"create it with 's3lo init s3://{bucket}/'");

    /// <summary>The user-facing error for <paramref name="e"/>, or null when it is not an S3 or network failure.</summary>
    public S3loException? Translate(Exception e, string action, string? key, CancellationToken ct)
    {
        if (e is S3loException || e is OperationCanceledException && ct.IsCancellationRequested) return null;
        var target = key is null ? $"s3://{bucket}" : $"s3://{bucket}/{key}";
        switch (e)
        {
            case AmazonS3Exception s3:
                return FromService(s3, action, target);
            case AmazonServiceException service:
                return new S3loException($"{action} on {target} failed: {service.ErrorCode ?? service.StatusCode.ToString()} (HTTP {(int)service.StatusCode})", inner: e);
            case AmazonClientException client when client.Message.Contains("credential", StringComparison.OrdinalIgnoreCase):
                return new S3loException("no AWS credentials found",
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws/config (SSO, web identity and instance roles are also used)",
                    inner: e);
        }
        if (Unreachable(e) is { } reason)
            return new S3loException($"cannot reach the S3 endpoint {EndpointLabel}: {reason}",
                "check --endpoint / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, the network, or raise --timeout", inner: e);
        return null;
    }

    private S3loException FromService(AmazonS3Exception e, string action, string target)
    {
        var code = e.ErrorCode;
        switch (code)
        {
            case "NoSuchBucket":
                return BucketMissing();
            case "InvalidAccessKeyId" or "SignatureDoesNotMatch":
                return new S3loException($"{EndpointLabel} rejected the credentials ({code})", CredentialsHint, inner: e);
            case "ExpiredToken" or "TokenRefreshRequired" or "InvalidToken":
                return new S3loException($"the AWS session credentials are expired or invalid ({code})",
                    "refresh them (for SSO: aws sso login) or " + CredentialsHint, inner: e);
            case "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException":
                return WrongRegion(e);
            case "SlowDown" or "ServiceUnavailable" or "InternalError":
                return new S3loException($"{action} on {target} failed after retries: {code} (HTTP {(int)e.StatusCode})",
                    "the server is overloaded; lower --concurrency or retry later", inner: e);
        }
        if (e.StatusCode == HttpStatusCode.MovedPermanently) return WrongRegion(e);
        if (e.StatusCode == HttpStatusCode.Forbidden)
            return new S3loException($"{action} denied on {target}" + (code is "AccessDenied" ? "" : $" (HTTP 403 {code})"),
                $"grant {action} to the credentials in use, or {CredentialsHint}", inner: e);
        var detail = string.IsNullOrEmpty(e.Message) || e.Message.StartsWith("Error making request", StringComparison.Ordinal) ? "" : ": " + e.Message;
        return new S3loException($"{action} on {target} failed: {code} (HTTP {(int)e.StatusCode}){detail}", inner: e);
    }

    private S3loException WrongRegion(AmazonS3Exception e) =>
        RegionNamedBy(e) is not { } right
            ? new S3loException($"bucket s3://{bucket} is not in region {region}", "pass --region with the bucket's region", inner: e)
            : new S3loException($"bucket s3://{bucket} is in region {right}, not {region}", $"pass --region {right} or set AWS_REGION={right}", inner: e);

    /// <summary>
    /// The bucket's region as an error body names it: &lt;Region&gt; (AuthorizationHeaderMalformed)
    /// or the &lt;Endpoint&gt; host of a PermanentRedirect (bucket.s3.REGION.amazonaws.com).
    /// </summary>
    public static string? RegionNamedBy(AmazonS3Exception e)
    {
        var body = e.ResponseBody;
        if (string.IsNullOrEmpty(body)) return null;
        if (Element(body, "Region") is { Length: > 0 } named) return named;
        if (Element(body, "Endpoint") is not { } host) return null;
        var labels = host.Split('.');
        var s3 = Array.FindLastIndex(labels, l => l is "s3" || l.StartsWith("s3-", StringComparison.Ordinal));
        if (s3 < 0) return null;
        if (labels[s3].Length > 3) return labels[s3][3..];
        return s3 + 1 < labels.Length && labels[s3 + 1] != "amazonaws" ? labels[s3 + 1] : S3ClientSettings.DefaultRegion;
    }

    private static string? Element(string xml, string name)
    {
        var start = xml.IndexOf($"<{name}>", StringComparison.Ordinal);
        if (start < 0) return null;
        start += name.Length + 2;
        var end = xml.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return end < 0 ? null : xml[start..end].Trim();
    }

    // Connection refused/reset, DNS failure, TLS failure, or no answer within the timeout.
    internal static string? Unreachable(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return socket.Message;
                case TimeoutException timeout:
                    return string.IsNullOrEmpty(timeout.Message) ? "no answer within the timeout" : timeout.Message;
                case TaskCanceledException when inner.InnerException is TimeoutException:
                    return "no answer within the timeout";
            }
        }
        return e is HttpRequestException or IOException ? e.Message : null;
    }
}
