using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace S3lo.Core.Registry;

/// <summary>
/// Retries throttling (429), server errors (500, 502, 503, 504) and broken connections with
/// exponential backoff and jitter, honouring <c>Retry-After</c> up to a bound. A request whose
/// body is a stream is never re-sent (the stream is gone); every retry is logged at debug level.
/// </summary>
internal sealed class RegistryRetryHandler(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, ILogger logger, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var retryable = RegistryRequestOptions.CanResend(request)
            && !(request.Options.TryGetValue(RegistryRequestOptions.NoRetry, out var noRetry) && noRetry);
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                await BufferIfAskedAsync(request, response, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (retryable && attempt < maxRetries && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var wait = Backoff(attempt);
                logger.LogDebug("registry: {Method} {Url} failed ({Error}); retry {Attempt} of {Max} in {Delay:0.0} s",
                    request.Method, RegistryRequestOptions.ForLog(request.RequestUri), RegistryRequestOptions.Describe(e), attempt + 1, maxRetries, wait.TotalSeconds);
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (!retryable || attempt >= maxRetries || !IsRetryableStatus(response.StatusCode)) return response;
            var delay = RetryAfter(response) is { } after ? after : Backoff(attempt);
            if (delay > maxDelay)
            {
                logger.LogDebug("registry: {Method} {Url} answered {Status} with Retry-After {Delay:0} s, longer than the {Max:0} s s3lo waits; giving up",
                    request.Method, RegistryRequestOptions.ForLog(request.RequestUri), (int)response.StatusCode, delay.TotalSeconds, maxDelay.TotalSeconds);
                return response;
            }
            logger.LogDebug("registry: {Method} {Url} answered {Status}; retry {Attempt} of {Max} in {Delay:0.0} s",
                request.Method, RegistryRequestOptions.ForLog(request.RequestUri), (int)response.StatusCode, attempt + 1, maxRetries, delay.TotalSeconds);
            response.Dispose();
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a small document's body now, so a stall or cut in it fails this attempt (and is retried).</summary>
    private static async Task BufferIfAskedAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken ct)
    {
        if (!(request.Options.TryGetValue(RegistryRequestOptions.BufferAnswer, out var buffer) && buffer)) return;
        if (response.Content.Headers.ContentLength is not (>= 0 and <= RegistryRequestOptions.MaxBufferedAnswer)) return;
        try
        {
            await response.Content.LoadIntoBufferAsync(RegistryRequestOptions.MaxBufferedAnswer, ct).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    internal static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Connection refused/reset, a response cut short: worth another try. TLS and DNS failures are not.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded } => false,
        HttpRequestException => true,
        IOException or SocketException => true,
        _ => false,
    };

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>base × 2^attempt, capped, with "equal jitter": between half and all of it.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
