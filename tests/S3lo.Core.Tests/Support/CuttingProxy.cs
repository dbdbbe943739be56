using System.Net;
using System.Net.Sockets;
using System.Text;

namespace S3lo.Core.Tests.Support;

/// <summary>
/// A TCP proxy in front of a real server that resets the client's connection once, partway into
/// the <c>patchNumber</c>-th request whose line starts with <c>PATCH</c>: <see cref="BytesAfterPatch"/> bytes
/// (headers and part of the body) reach the server, then both sides are cut. A real registry
/// cannot be made to lose a connection mid-request on demand; this makes the real one do it.
/// </summary>
internal sealed class CuttingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _target;
    private readonly int _patchNumber;
    private int _armed = 1;
    private int _patchesSeen;

    public CuttingProxy(string targetHostAndPort, int bytesAfterPatch, int patchNumber = 1)
    {
        _target = targetHostAndPort;
        _patchNumber = patchNumber;
        BytesAfterPatch = bytesAfterPatch;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int BytesAfterPatch { get; }
    public bool HasCut => Volatile.Read(ref _armed) == 0;
    public string Authority => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync();
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
        using var _ = client;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var colon = _target.LastIndexOf(':');
        await server.ConnectAsync(_target[..colon], int.Parse(_target[(colon + 1)..]));
        var back = PumpAsync(server, client, cut: false);
        var forth = PumpAsync(client, server, cut: true);
        await Task.WhenAny(back, forth);
        client.LingerState = new LingerOption(true, 0);
        client.Close();
        server.Close();
    }

    /// <summary>Copies until either side closes; on the client's side, ends the relay where the cut falls.</summary>
    private async Task PumpAsync(Socket from, Socket to, bool cut)
    {
        var buffer = new byte[16 * 1024];
        long? sincePatch = null; // bytes forwarded from the PATCH line's first byte, once seen
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer);
                if (n == 0) return;
                if (cut && Volatile.Read(ref _armed) == 1)
                {
                    // A request line starts a fresh send: the client waits for each answer on a connection.
                    if (sincePatch is null && Encoding.ASCII.GetString(buffer, 0, n).IndexOf("PATCH ", StringComparison.Ordinal) is var at and >= 0
                        && Interlocked.Increment(ref _patchesSeen) == _patchNumber)
                        sincePatch = -at;
                    if (sincePatch is { } since)
                    {
                        if (since + n >= BytesAfterPatch && Interlocked.Exchange(ref _armed, 0) == 1)
                        {
                            await to.SendAsync(buffer.AsMemory(0, (int)(BytesAfterPatch - since)));
                            return;
                        }
                        sincePatch = since + n;
                    }
                }
                await to.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _listener.Stop();
}
