using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// Kestrel (<see cref="KestrelApp"/>) serving one bucket as an OCI Distribution registry: one request delegate that
/// counts and logs every request, answers /healthz, checks basic auth, then serves /metrics or hands
/// the request to <see cref="RegistryEndpoints"/> (which parses the path itself: names contain slashes).
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private const string HealthPath = "/healthz";
    private const string MetricsPath = "/metrics";

    private readonly KestrelApp _app;

    private RegistryServer(KestrelApp app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address actually listened on (the port is the OS's pick when 0 was asked for), http or https.</summary>
    public Uri Address { get; }

    public static async Task<RegistryServer> StartAsync(RegistryReader reader, RegistryServerSettings settings, ServeAccess access, ILogger logger, CancellationToken ct)
    {
        var pipeline = new Pipeline(
            new RegistryEndpoints(reader, settings, logger),
            access.Users is { } users ? new BasicAuthentication(users) : null,
            new ServeMetrics(reader),
            await HealthEndpoint.StartAsync(reader.Bucket.Store, ct).ConfigureAwait(false),
            settings.AccessLog);
        // in-flight blob streams get a few seconds to finish when the server stops, then are cut
        var app = await KestrelApp.StartAsync(kestrel => kestrel.Listen(settings.Host, settings.Port, listen =>
            {
                if (access.Certificate is { } certificate)
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, ServerCertificateChain = access.Intermediates });
            }), pipeline.HandleAsync, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        var scheme = access.Certificate is null ? "http" : "https";
        return new RegistryServer(app, app.Address ?? new Uri($"{scheme}://{FormatHost(settings.Host)}:{settings.Port}"));
    }

    private static string FormatHost(IPAddress host) =>
        host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private sealed class Pipeline(RegistryEndpoints endpoints, BasicAuthentication? authentication, ServeMetrics metrics, HealthEndpoint health, bool accessLog)
    {
        public async Task HandleAsync(HttpContext context)
        {
            var started = Stopwatch.GetTimestamp();
            metrics.Started();
            // the handlers write through a counting stream: bytes sent for the log and /metrics
            var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            var counting = new CountingStream(original.Stream);
            var body = new StreamResponseBodyFeature(counting, original);
            context.Features.Set<IHttpResponseBodyFeature>(body);
            string? user = null;
            try
            {
                var path = context.Request.Path.Value ?? "";
                if (path == HealthPath)
                    await health.HandleAsync(context).ConfigureAwait(false);
                else if (authentication is not null && (user = authentication.Authenticate(context.Request)) is null)
                    await ChallengeAsync(context).ConfigureAwait(false);
                else if (path == MetricsPath)
                    await WriteMetricsAsync(context).ConfigureAwait(false);
                else
                    await endpoints.HandleAsync(context).ConfigureAwait(false);
            }
            finally
            {
                try
                {
                    await body.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception) when (context.RequestAborted.IsCancellationRequested)
                {
                    // the client went away before the last bytes were flushed: still counted and logged below
                }
                finally
                {
                    context.Features.Set(original);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    metrics.Finished(context.Request.Method, context.Response.StatusCode, counting.Written, elapsed);
                    if (accessLog) AccessLog.Write(AccessLog.Line(context, user, counting.Written, elapsed));
                }
            }
        }

        /// <summary>401 with the challenge docker answers with 'docker login' credentials, and an OCI error body.</summary>
        private static async Task ChallengeAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = BasicAuthentication.Challenge;
            response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            var message = context.Request.Headers.Authorization.Count == 0 ? "authentication required" : "wrong user name or password";
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new RegistryErrorBody([new RegistryErrorItem("UNAUTHORIZED", message)]),
                ServeJsonContext.Relaxed.RegistryErrorBody);
            response.ContentType = "application/json";
            response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }

        private async Task WriteMetricsAsync(HttpContext context)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(metrics.Render());
            var response = context.Response;
            response.ContentType = ServeMetrics.ContentType;
            response.Headers.CacheControl = "no-store";
            response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
