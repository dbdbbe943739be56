namespace S3lo.Providers.S3;

/// <summary>
/// --timeout for requests that carry no large body: the answer (status and headers) must come
/// within it. Uploads of parts or whole objects are exempt — their duration depends on size and
/// bandwidth, not on whether the server is alive — and connecting is bounded separately
/// (SocketsHttpHandler.ConnectTimeout). Downloads stream after the headers, so are not cut off.
/// </summary>
internal sealed class RequestTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    private const long LargeBody = 1 << 20;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bodyLength = request.Content is null ? 0 : request.Content.Headers.ContentLength ?? long.MaxValue;
        if (bodyLength > LargeBody) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0.#} s", e);
        }
    }
}
