using Microsoft.Extensions.Logging;

namespace S3lo.Core.Net;

/// <summary>
/// Sends a request without a body again when the idle timeout gave it up as stalled, for clients
/// whose own retry policy does not count that as transient (the Google library). At most
/// <paramref name="maxRetries"/> more tries; each is logged at debug level.
/// </summary>
public sealed class StalledRequestRetryHandler(int maxRetries, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.InnerException is IdleTimeoutException && request.Content is null
                && attempt < maxRetries && !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("{Method} {Host}{Path} stalled ({Error}); retry {Attempt} of {Max}",
                    request.Method, request.RequestUri?.Authority, request.RequestUri?.AbsolutePath, e.Message, attempt + 1, maxRetries);
            }
        }
    }
}
