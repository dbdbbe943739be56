using Azure;
using Azure.Identity;
using Azure.Storage.Blobs.Models;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

/// <summary>Turns what the Azure SDK throws into the one-line errors a user can act on.</summary>
internal sealed class AzureErrors(string displayName, string container, string endpoint, bool sharedKey)
{
    /// <summary>
    /// The exception to throw instead of <paramref name="e"/>, or <paramref name="e"/> itself when it is
    /// a cancellation or a bug (those keep their stack trace).
    /// </summary>
    public Exception Map(Exception e, string operation, string? key, CancellationToken ct)
    {
        if (ct.IsCancellationRequested && e is OperationCanceledException) return e;
        switch (e)
        {
            case S3loException:
                return e;
            case AggregateException aggregate:
                // The retry policy gives up with every try's failure; the last one says the most.
                var inner = aggregate.Flatten().InnerExceptions;
                return inner.Count == 0 ? e : Map(inner[^1], operation, key, ct);
            case CredentialUnavailableException:
                return new S3loException(
                    $"{displayName}: no Azure credentials found for {endpoint}",
                    $"sign in (az login, managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET), " +
                    $"or set {AzureSettings.ConnectionStringVariable}", inner: e);
            case AuthenticationFailedException:
                return new S3loException($"{displayName}: Azure sign-in failed: {FirstLine(e.Message)}",
                    $"check the identity DefaultAzureCredential uses, or set {AzureSettings.ConnectionStringVariable}", inner: e);
            case RequestFailedException { Status: 0 } failed:
                return Unreachable(failed.InnerException ?? failed);
            case RequestFailedException failed:
                return MapResponse(failed, operation, key);
            case OperationCanceledException:
                // Not the caller's token: the network timeout of the last try.
                return new S3loException($"{displayName}: {endpoint} did not answer in time ({operation})",
                    "check the endpoint and the network, or raise --timeout", inner: e);
            default:
                return e;
        }
    }

    public bool IsNotFound(RequestFailedException e) =>
        e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound.ToString();

    public NotFoundException ContainerMissing() =>
        new($"{displayName}: container '{container}' does not exist", $"run 's3lo init az://{container}/' to create it");

    private Exception MapResponse(RequestFailedException e, string operation, string? key)
    {
        var code = e.ErrorCode;
        var what = key is null ? operation : $"{operation} {key}";
        if (code == BlobErrorCode.ContainerNotFound.ToString()) return ContainerMissing();
        if (e.Status == 404 && key is not null) return new ObjectNotFoundException(displayName, key);
        if (e.Status is 401 or 403)
        {
            if (code == BlobErrorCode.AuthenticationFailed.ToString() || code == "NoAuthenticationInformation")
                return new S3loException($"{displayName}: authentication failed ({what})",
                    $"the account key or SAS in {AzureSettings.ConnectionStringVariable} was rejected, or it has expired", inner: e);
            return new S3loException($"{displayName}: permission denied ({what}{(code is null ? "" : ", " + code)})",
                sharedKey
                    ? $"check the account key in {AzureSettings.ConnectionStringVariable}, and the account's network rules"
                    : "the identity needs the 'Storage Blob Data Contributor' role on the container, or a SAS allowing it", inner: e);
        }
        return new S3loException(
            $"{displayName}: {what} failed: HTTP {e.Status}{(code is null ? "" : " " + code)}", inner: e);
    }

    private S3loException Unreachable(Exception e) =>
        new($"{displayName}: cannot reach {endpoint}: {FirstLine(Innermost(e).Message)}",
            "check the endpoint (connection string or --endpoint) and that the service is running", inner: e);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }

    internal static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).Trim().ToString();
    }
}
