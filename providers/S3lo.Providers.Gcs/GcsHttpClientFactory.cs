using Google.Apis.Http;
using Microsoft.Extensions.Logging;
using S3lo.Core.Net;

namespace S3lo.Providers.Gcs;

/// <summary>
/// The library's own handler with the idle clock under it: a stalled connection fails instead of
/// hanging, and a stalled read-only request is sent again (the library's retry does not count it transient).
/// </summary>
internal sealed class GcsHttpClientFactory(TimeSpan idle, ILogger logger) : HttpClientFactory
{
    private const int StallRetries = 3;

    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
        new StalledRequestRetryHandler(StallRetries, logger) { InnerHandler = new IdleTimeoutHandler(idle) { InnerHandler = base.CreateHandler(args) } };
}
