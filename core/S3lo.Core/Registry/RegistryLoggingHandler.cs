using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace S3lo.Core.Registry;

/// <summary>
/// One debug line per request on the wire: method, scheme://host/path, status, time. Never a
/// header (Authorization, cookies) and never a query string (presigned redirect signatures).
/// </summary>
internal sealed class RegistryLoggingHandler(ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            logger.LogDebug("registry: {Method} {Url} -> {Status} ({Ms} ms)", request.Method, RegistryRequestOptions.ForLog(request.RequestUri),
                (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            logger.LogDebug("registry: {Method} {Url} failed after {Ms} ms: {Error}", request.Method, RegistryRequestOptions.ForLog(request.RequestUri),
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, RegistryRequestOptions.Describe(e));
            throw;
        }
    }
}
