using Amazon.Runtime;
using S3lo.Core.Errors;

namespace S3lo.Providers.S3;

/// <summary>
/// Credentials from one link of the chain, named: when fetching them fails (STS refuses the role,
/// the SSO token expired, the process exits non-zero, the endpoint is unreachable) the user gets
/// one line saying which source failed and why, never an SDK exception.
/// </summary>
internal sealed class SourcedAwsCredentials(AWSCredentials inner, string source, string hint) : AWSCredentials
{
    public string Source { get; } = source;

    public override ImmutableCredentials GetCredentials()
    {
        try
        {
            return inner.GetCredentials();
        }
        catch (Exception e) when (e is not (S3loException or OperationCanceledException))
        {
            throw Failure(e);
        }
    }

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        try
        {
            return await inner.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (S3loException or OperationCanceledException))
        {
            throw Failure(e);
        }
    }

    private S3loException Failure(Exception e) =>
        new($"could not get AWS credentials from {Source}: {Reason(e)}", hint, inner: e);

    /// <summary>The innermost useful message, on one line: the SDK wraps the cause, sometimes twice.</summary>
    public static string Reason(Exception e)
    {
        var reason = e;
        while (reason.InnerException is { } inner && (reason is AmazonClientException or AggregateException || string.IsNullOrWhiteSpace(reason.Message)))
            reason = inner;
        var text = reason switch
        {
            AmazonServiceException service when !string.IsNullOrEmpty(service.ErrorCode) =>
                $"{service.ErrorCode} (HTTP {(int)service.StatusCode}){(string.IsNullOrWhiteSpace(service.Message) ? "" : ": " + service.Message)}",
            _ => reason.Message,
        };
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
    }
}
