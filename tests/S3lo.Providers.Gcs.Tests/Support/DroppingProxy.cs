using System.Net;
using System.Net.Sockets;

namespace S3lo.Providers.Gcs.Tests.Support;

/// <summary>
/// A TCP proxy in front of the emulator that resets connections once the bytes sent to the server
/// (over all connections) pass a threshold, <c>drops</c> times in a row: a dropped connection in the
/// middle of an upload chunk, and the retries after it failing too.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly long _dropAfter;
    private readonly int _drops;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _sent;
    private int _dropped;

    public DroppingProxy(Uri target, long dropAfterUploadBytes, int drops = 1)
    {
        _target = target;
        _dropAfter = dropAfterUploadBytes;
        _drops = drops;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    public int Dropped => Math.Min(Volatile.Read(ref _dropped), _drops);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var up = PumpAsync(client, server, countUpload: true);
            var down = PumpAsync(server, client, countUpload: false);
            await Task.WhenAny(up, down);
        }
        catch (Exception)
        {
            // A relay ends however it ends.
        }
        finally
        {
            client.LingerState = new LingerOption(true, 0); // close with RST: a dropped connection, not a clean end
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool countUpload)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (n == 0) return;
            if (countUpload && Interlocked.Add(ref _sent, n) > _dropAfter && Interlocked.Increment(ref _dropped) <= _drops)
            {
                // Forward part of this read, then drop: the server sees a truncated body.
                await to.SendAsync(buffer.AsMemory(0, n / 2), SocketFlags.None, _stop.Token);
                return;
            }
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
