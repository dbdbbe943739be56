using System.Net;
using System.Net.Sockets;
using System.Text;

namespace S3lo.Tests.Shared;

/// <summary>What <see cref="FaultProxy"/> does to a request it picks.</summary>
public enum Fault
{
    /// <summary>Forward the request; pass the answer's headers and a little of its body, then go silent (connection held open).</summary>
    StallAfterHeaders,
    /// <summary>Forward the request; pass <see cref="FaultProxy.CutAfter"/> bytes of the answer, then reset the connection.</summary>
    CutMidBody,
    /// <summary>Answer 503 SlowDown itself, as S3 does when throttling, without forwarding.</summary>
    SlowDown,
    /// <summary>Take the request and never answer (connection held open).</summary>
    NoAnswer,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server (Ceph RGW, the OCI registry) that injects
/// one failure into the first <c>times</c> requests matching a predicate. Why an in-process proxy:
/// no real server stalls, cuts a download or throttles on demand. Every request is forwarded with
/// <c>Connection: close</c>, so one connection carries one request and the fault hits only it.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly Func<string, bool> _matches;
    private readonly Fault _fault;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _remaining;
    private int _injected;
    private int _requests;

    /// <param name="matches">Gets the request line, e.g. <c>GET /v2/x/blobs/sha256:... HTTP/1.1</c>.</param>
    public FaultProxy(Uri target, Fault fault, Func<string, bool> matches, int times = 1)
    {
        _targetHost = target.Host;
        _targetPort = target.Port;
        _fault = fault;
        _matches = matches;
        _remaining = times;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");
    public string Authority => $"127.0.0.1:{Port}";

    /// <summary>For <see cref="Fault.CutMidBody"/>: answer bytes (headers included) passed before the cut.</summary>
    public int CutAfter { get; init; } = 64 * 1024;

    public int Injected => Volatile.Read(ref _injected);
    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var ct = _stop.Token;
        try
        {
            var (head, rest) = await ReadHeadAsync(client, ct);
            if (head is null) return;
            Interlocked.Increment(ref _requests);
            var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            var inject = _matches(requestLine) && Interlocked.Decrement(ref _remaining) >= 0;
            if (inject) Interlocked.Increment(ref _injected);
            if (inject && _fault == Fault.NoAnswer)
            {
                await Task.Delay(Timeout.Infinite, ct);
                return;
            }
            if (inject && _fault == Fault.SlowDown)
            {
                await DrainBodyAsync(client, head, rest, ct);
                const string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
                var answer = $"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {xml.Length}\r\nConnection: close\r\n\r\n{xml}";
                await client.SendAsync(Encoding.ASCII.GetBytes(answer), SocketFlags.None, ct);
                client.Shutdown(SocketShutdown.Send);
                await Task.Delay(200, ct);
                return;
            }
            await server.ConnectAsync(_targetHost, _targetPort, ct);
            await server.SendAsync(Encoding.ASCII.GetBytes(WithConnectionClose(head)), SocketFlags.None, ct);
            if (rest.Length > 0) await server.SendAsync(rest, SocketFlags.None, ct);
            var up = PumpAsync(client, server, long.MaxValue, stallAfterHeaders: false, ct);
            var down = PumpAsync(server, client, inject && _fault == Fault.CutMidBody ? CutAfter : long.MaxValue,
                stallAfterHeaders: inject && _fault == Fault.StallAfterHeaders, ct);
            await down;
            if (inject && _fault == Fault.CutMidBody) client.LingerState = new LingerOption(true, 0); // a reset, not a clean end
            else client.Shutdown(SocketShutdown.Send);
            await Task.WhenAny(up, Task.Delay(1000, ct));
        }
        catch (Exception)
        {
            // A relay ends however it ends.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Copies bytes until the source ends or <paramref name="limit"/>; after the answer's headers, optionally goes silent.</summary>
    private static async Task PumpAsync(Socket from, Socket to, long limit, bool stallAfterHeaders, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        long sent = 0;
        var seen = new StringBuilder();
        while (sent < limit)
        {
            var n = await from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), SocketFlags.None, ct);
            if (n == 0) return;
            if (stallAfterHeaders)
            {
                seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
                var end = seen.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    // Headers and a few body bytes, then nothing: the stall an idle timeout must catch.
                    var pass = Math.Min(seen.Length, end + 4 + 16) - (seen.Length - n);
                    await to.SendAsync(buffer.AsMemory(0, Math.Max(0, pass)), SocketFlags.None, ct);
                    await Task.Delay(Timeout.Infinite, ct);
                }
            }
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
            sent += n;
        }
    }

    private static async Task<(string? Head, byte[] Body)> ReadHeadAsync(Socket client, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var buffer = new byte[8192];
        while (true)
        {
            var n = await client.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0) return (null, []);
            // A TLS handshake (a client trying https first): not for us, close as a plain-HTTP server would.
            if (bytes.Count == 0 && buffer[0] == 0x16) return (null, []);
            bytes.AddRange(buffer.AsSpan(0, n));
            var text = Encoding.Latin1.GetString(bytes.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return (text[..(end + 4)], bytes.Skip(end + 4).ToArray());
        }
    }

    private static async Task DrainBodyAsync(Socket client, string head, byte[] rest, CancellationToken ct)
    {
        if (head.Contains("\r\nExpect: 100-continue", StringComparison.OrdinalIgnoreCase)) return;
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => long.Parse(p[1].Trim())).FirstOrDefault();
        var left = length - rest.Length;
        var buffer = new byte[64 * 1024];
        while (left > 0)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), SocketFlags.None, ct);
            if (n == 0) return;
            left -= n;
        }
    }

    private static string WithConnectionClose(string head)
    {
        var lines = head[..^4].Split("\r\n").Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        return string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n";
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
