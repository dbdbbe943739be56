using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using S3lo.Core.Net;

namespace S3lo.Providers.S3;

/// <summary>
/// The SDK's HttpClient with a logging handler in front, so every failed attempt (which the SDK
/// then retries with backoff) is visible at debug level, and --timeout applied per request. Mirrors the SDK's own defaults: no
/// redirects (S3 answers 301 for a wrong region), no decompression; a stalled connection fails after the idle timeout.
/// </summary>
internal sealed class S3HttpClientFactory(ILogger logger, TimeSpan? requestTimeout, string service = "s3") : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (clientConfig.ConnectTimeout is { } connect) sockets.ConnectTimeout = connect;
        if (clientConfig.MaxConnectionsPerServer is { } max) sockets.MaxConnectionsPerServer = max;
        // The idle clock: a connection silent that long fails the attempt, which the SDK retries.
        HttpMessageHandler idle = new IdleTimeoutHandler(IdleTimeout.FromEnvironment()) { InnerHandler = sockets };
        HttpMessageHandler inner = requestTimeout is { } timeout ? new RequestTimeoutHandler(timeout) { InnerHandler = idle } : idle;
        // No overall HttpClient timeout: it would also cut off large uploads (see RequestTimeoutHandler).
        return new HttpClient(new AttemptLoggingHandler(logger, service) { InnerHandler = inner }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // Cache per SDK client: disposed with it.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;
    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    public override string? GetConfigUniqueString(IClientConfig clientConfig) => null;
}
