using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace S3lo.Serve;

/// <summary>
/// Kestrel with one request delegate and nothing else: the empty builder keeps the binary small (no
/// configuration files, no routing, no logging providers). serve and pull's throwaway registry both run on it.
/// </summary>
internal sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _grace;

    private KestrelApp(WebApplication app, TimeSpan grace, Uri? address)
    {
        _app = app;
        _grace = grace;
        Address = address;
    }

    /// <summary>The address Kestrel reports it listens on (the OS's port when 0 was asked for).</summary>
    public Uri? Address { get; }

    /// <param name="listen">Where to listen (and with which certificate).</param>
    /// <param name="grace">How long in-flight requests get to finish when the app stops; then they are cut.</param>
    public static async Task<KestrelApp> StartAsync(Action<KestrelServerOptions> listen, RequestDelegate handler, TimeSpan grace, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen(kestrel);
        });
        var app = builder.Build();
        ((IApplicationBuilder)app).Run(handler);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return new KestrelApp(app, grace, bound is null ? null : new Uri(bound));
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(_grace);
        try
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
