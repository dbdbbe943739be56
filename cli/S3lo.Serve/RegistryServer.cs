using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// Kestrel serving one bucket as an OCI Distribution registry. The empty builder keeps the
/// binary small: no configuration files, no routing, no logging providers — one request delegate that
/// parses the path itself, since repository names contain slashes.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RegistryServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address actually listened on (the port is the OS's pick when 0 was asked for).</summary>
    public Uri Address { get; }

    public static async Task<RegistryServer> StartAsync(RegistryReader reader, RegistryServerSettings settings, ILogger logger, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(settings.Host, settings.Port);
        });
        var app = builder.Build();
        var endpoints = new RegistryEndpoints(reader, settings, logger);
        ((IApplicationBuilder)app).Run(endpoints.HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var address = bound is not null ? new Uri(bound) : new Uri($"http://{FormatHost(settings.Host)}:{settings.Port}");
        return new RegistryServer(app, address);
    }

    private static string FormatHost(IPAddress host) =>
        host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();

    public async ValueTask DisposeAsync()
    {
        // in-flight blob streams get a few seconds to finish, then are cut
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
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
