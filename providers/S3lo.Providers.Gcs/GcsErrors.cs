using System.Net;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using S3lo.Core.Errors;

namespace S3lo.Providers.Gcs;

/// <summary>Turns what the Google client throws into one line a user can act on.</summary>
internal static class GcsErrors
{
    public const string CredentialsHint =
        "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run 'gcloud auth application-default login'";

    public static S3loException NoCredentials(string detail) =>
        new($"no Google Cloud credentials found for gs:// ({OneLine(detail)})", CredentialsHint);

    public static NotFoundException BucketMissing(string bucket) =>
        new($"GCS bucket {bucket} does not exist", $"create it with 's3lo init gs://{bucket}/'");

    public static bool IsStatus(this GoogleApiException e, HttpStatusCode status) => e.HttpStatusCode == status;

    /// <summary>
    /// The user-facing error for a failed call, or null when <paramref name="e"/> is not a service or
    /// network failure (a bug, a cancellation, or an error the caller already mapped).
    /// </summary>
    /// <param name="action">What was being done, e.g. "writing blobs/sha256/ab..".</param>
    public static S3loException? Map(Exception e, string bucket, string action, string endpoint, CancellationToken ct)
    {
        switch (e)
        {
            case S3loException:
                return null;
            case GoogleApiException api:
                return MapApi(api, bucket, action);
            case TokenResponseException token:
                return new S3loException(
                    $"gs://{bucket}: could not get a Google Cloud access token: {OneLine(token.Error?.Error ?? token.Message)}" +
                    (token.Error?.ErrorDescription is { Length: > 0 } d ? $" ({OneLine(d)})" : ""),
                    CredentialsHint, inner: e);
            case HttpRequestException http:
                return new S3loException($"cannot reach Google Cloud Storage at {endpoint} while {action}: {OneLine(Innermost(http).Message)}",
                    endpoint.StartsWith("https://storage.googleapis.com", StringComparison.Ordinal)
                        ? "check the network connection and any HTTPS_PROXY setting"
                        : "check STORAGE_EMULATOR_HOST and that the emulator is running", inner: e);
            case TaskCanceledException when !ct.IsCancellationRequested:
                // HttpClient's own timeout, not the caller's token.
                return new S3loException($"Google Cloud Storage at {endpoint} did not answer in time while {action}", inner: e);
            default:
                return null;
        }
    }

    private static S3loException MapApi(GoogleApiException e, string bucket, string action)
    {
        var reason = Reason(e);
        return e.HttpStatusCode switch
        {
            HttpStatusCode.NotFound when reason.Contains("bucket", StringComparison.OrdinalIgnoreCase) => BucketMissing(bucket),
            HttpStatusCode.Unauthorized => new S3loException($"gs://{bucket}: the credentials were rejected while {action}: {reason}", CredentialsHint, inner: e),
            HttpStatusCode.Forbidden => new S3loException($"gs://{bucket}: permission denied while {action}: {reason}",
                "grant the credentials access to the bucket (e.g. roles/storage.objectAdmin), or use other credentials (GOOGLE_APPLICATION_CREDENTIALS)", inner: e),
            0 => new S3loException($"gs://{bucket}: {action} failed: {reason}", inner: e),
            _ => new S3loException($"gs://{bucket}: {action} failed: {(int)e.HttpStatusCode} {reason}", inner: e),
        };
    }

    /// <summary>The server's own message for a failed call, on one line.</summary>
    public static string Reason(GoogleApiException e) =>
        OneLine(e.Error?.Message is { Length: > 0 } m ? m : e.HttpStatusCode != 0 ? e.HttpStatusCode.ToString() : e.Message);

    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }
}
