using System.Net;
using Microsoft.Extensions.Logging;

namespace S3lo.Providers.S3;

/// <summary>
/// Logs attempts that the SDK's retry policy may repeat (throttling, 5xx, connection errors).
/// Only method, host and path: never headers or query strings, which carry signatures.
/// </summary>
internal sealed class AttemptLoggingHandler(ILogger logger, string service = "s3") : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                logger.LogDebug("{Service}: {Method} {Host}{Path} answered {Status}; retrying with backoff if attempts remain",
                    service, request.Method, request.RequestUri?.Authority, request.RequestUri?.AbsolutePath, (int)response.StatusCode);
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("{Service}: {Method} {Host}{Path} failed: {Error}; retrying with backoff if attempts remain",
                service, request.Method, request.RequestUri?.Authority, request.RequestUri?.AbsolutePath, e.Message);
            throw;
        }
    }
}
