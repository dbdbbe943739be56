using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace S3lo.Tests.Shared;

/// <summary>
/// A tiny in-process HTTP server (HttpListener on a free loopback port) for what no real server here
/// can be made to do: serve wrong bytes, redirect to another host, fail on demand, or stand in for a
/// cloud service. Records every request it sees; a handler that throws answers 500. Linked into the
/// Core and end-to-end test projects.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handler;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handler, string host = "127.0.0.1")
    {
        _handler = handler;
        Port = FreePort(host);
        Host = host;
        _listener.Prefixes.Add($"http://{host}:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Host { get; }
    public int Port { get; }

    /// <summary>host:port, the registry name to use in references.</summary>
    public string Authority => $"{Host}:{Port}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                var request = context.Request;
                var headers = request.Headers.AllKeys.Where(k => k is not null)
                    .ToDictionary(k => k!, k => request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
                Requests.Enqueue(new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query, headers));
                try
                {
                    await _handler(context);
                }
                catch (Exception e)
                {
                    TestContext.Progress.WriteLine($"fake server handler failed: {e}");
                    try
                    {
                        context.Response.StatusCode = 500;
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
                finally
                {
                    try
                    {
                        context.Response.Close();
                    }
                    catch (Exception)
                    {
                        // The client went away.
                    }
                }
            });
        }
    }

    public static async Task WriteAsync(HttpListenerContext context, int status, byte[]? body = null, string? contentType = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (contentType is not null) response.ContentType = contentType;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
        response.ContentLength64 = body?.Length ?? 0;
        if (body is not null && context.Request.HttpMethod != "HEAD") await response.OutputStream.WriteAsync(body);
    }

    public static int FreePort(string host = "127.0.0.1")
    {
        var listener = new TcpListener(IPAddress.Parse(host), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    internal sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers);
}
