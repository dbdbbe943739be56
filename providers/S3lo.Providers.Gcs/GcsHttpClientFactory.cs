using Google.Apis.Http;
using S3lo.Core.Net;

namespace S3lo.Providers.Gcs;

/// <summary>The library's own handler with the idle clock under it: a stalled connection fails (and is retried) instead of hanging.</summary>
internal sealed class GcsHttpClientFactory(TimeSpan idle) : HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
        new IdleTimeoutHandler(idle) { InnerHandler = base.CreateHandler(args) };
}
