using Microsoft.AspNetCore.Http;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Serve;

/// <summary>
/// <c>/healthz</c> for load balancers and service managers: 200 <c>ok</c> while the store answers one
/// HEAD (of the bucket's s3lo.yaml), 503 with the reason otherwise. A HEAD alone cannot tell a missing
/// object from a missing bucket (or a removed local store directory), so s3lo.yaml having been there
/// at start and being gone now also counts as "the store is gone". No auth: it says nothing about the images.
/// </summary>
internal sealed class HealthEndpoint
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private readonly IObjectStore _store;
    private readonly bool _configAtStart;

    private HealthEndpoint(IObjectStore store, bool configAtStart)
    {
        _store = store;
        _configAtStart = configAtStart;
    }

    public static async Task<HealthEndpoint> StartAsync(IObjectStore store, CancellationToken ct)
    {
        bool configAtStart;
        try
        {
            configAtStart = await store.HeadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false) is not null;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // the store does not answer now: /healthz will say so
            configAtStart = false;
        }
        return new HealthEndpoint(store, configAtStart);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var problem = await ProblemAsync(context.RequestAborted).ConfigureAwait(false);
        var response = context.Response;
        response.StatusCode = problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var body = System.Text.Encoding.UTF8.GetBytes((problem ?? "ok") + "\n");
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<string?> ProblemAsync(CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            var config = await _store.HeadAsync(BucketLayout.ConfigKey, timeout.Token).ConfigureAwait(false);
            if (config is null && _configAtStart)
                return $"store {_store.DisplayName} is gone: its {BucketLayout.ConfigKey} was there at start and is not now";
            return null;
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return $"store {_store.DisplayName} did not answer within {ProbeTimeout.TotalSeconds:0} s";
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            return $"store {_store.DisplayName} failed: {e.Message.ReplaceLineEndings(" ")}";
        }
    }
}
