using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using S3lo.Core.Net;

namespace S3lo.Core.Tests.Net;

/// <summary>
/// <see cref="IdleTimeoutStream"/> over a real loopback TCP connection whose sending side the test drives:
/// fast, slow, paused between reads, stalled mid-read, cancelled by the caller.
/// </summary>
public sealed class IdleTimeoutStreamTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(200);

    [Test]
    public async Task ManyFastReadsAndASlowButMovingSenderNeverFail()
    {
        await using var pair = await SocketPair.OpenAsync();
        var sent = new byte[4 << 20];
        new Random(1).NextBytes(sent);
        var sending = Task.Run(async () =>
        {
            // Small chunks, with pauses under the idle time, for well past the idle time in all.
            for (var offset = 0; offset < sent.Length; offset += 4096)
            {
                await pair.Server.SendAsync(sent.AsMemory(offset, Math.Min(4096, sent.Length - offset)));
                if (offset % (256 * 1024) == 0) await Task.Delay(100);
            }
            pair.Server.Shutdown(SocketShutdown.Send);
        });
        // 1 s, not Idle: 16 pauses of 100 ms outlast it, while a loaded machine's scheduling hiccup
        // (seen at 200 ms on 2 busy cores) does not fail a sender that is moving
        await using var stream = new IdleTimeoutStream(pair.ClientStream, TimeSpan.FromSeconds(1));
        using var caller = new CancellationTokenSource();

        var received = new MemoryStream();
        var buffer = new byte[1024];
        int n;
        var reads = 0;
        while ((n = await stream.ReadAsync(buffer, caller.Token)) > 0)
        {
            received.Write(buffer, 0, n);
            reads++;
        }
        await sending;

        // 4 MB through a 1 KB buffer: at least 4096 reads, more when the socket hands over partial chunks
        Assert.That(reads, Is.GreaterThanOrEqualTo(4096));
        Assert.That(received.ToArray(), Is.EqualTo(sent));
    }

    [Test]
    public async Task TimeBetweenReadsIsNotIdleTime()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.Server.SendAsync("abcdef"u8.ToArray());
        await using var stream = new IdleTimeoutStream(pair.ClientStream, Idle);
        var buffer = new byte[3];

        await stream.ReadExactlyAsync(buffer);
        await Task.Delay(Idle * 5);
        await stream.ReadExactlyAsync(buffer);

        Assert.That(buffer, Is.EqualTo("def"u8.ToArray()));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task AReadThatStallsFailsAfterAboutTheIdleTime(bool cancellableCaller)
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.Server.SendAsync("abc"u8.ToArray());
        await using var stream = new IdleTimeoutStream(pair.ClientStream, Idle);
        using var caller = new CancellationTokenSource();
        var token = cancellableCaller ? caller.Token : CancellationToken.None;
        var buffer = new byte[16];
        Assert.That(await stream.ReadAsync(buffer, token), Is.EqualTo(3));

        // The sender goes quiet for 5 s: the read gives up long before.
        var clock = Stopwatch.StartNew();
        var error = Assert.CatchAsync<IOException>(async () => { _ = await stream.ReadAsync(buffer, token); });

        Assert.That(error, Is.TypeOf<IdleTimeoutException>());
        Assert.That(error!.Message, Is.EqualTo("the connection stalled: no data for 200 ms (S3LO_IDLE_TIMEOUT)"));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(Idle - TimeSpan.FromMilliseconds(20)).And.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task ASynchronousReadThatStallsFailsToo()
    {
        await using var pair = await SocketPair.OpenAsync();
        using var stream = new IdleTimeoutStream(pair.ClientStream, Idle);
        var clock = Stopwatch.StartNew();

        Assert.Throws<IdleTimeoutException>(() => _ = stream.Read(new byte[16], 0, 16));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task TheCallersCancellationIsACancellationNotAStall()
    {
        await using var pair = await SocketPair.OpenAsync();
        await using var stream = new IdleTimeoutStream(pair.ClientStream, TimeSpan.FromSeconds(30));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        Assert.CatchAsync<OperationCanceledException>(async () => { _ = await stream.ReadAsync(new byte[16], caller.Token); });
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task TheCallersCancellationWinsOverAStallOfTheSameRead()
    {
        await using var pair = await SocketPair.OpenAsync();
        await using var stream = new IdleTimeoutStream(pair.ClientStream, Idle);
        using var caller = new CancellationTokenSource();
        var reading = stream.ReadAsync(new byte[16], caller.Token).AsTask();
        // Cancelled by the caller before the idle time is up, whatever the watchdog does afterwards.
        caller.CancelAfter(TimeSpan.FromMilliseconds(20));

        Assert.CatchAsync<OperationCanceledException>(async () => await reading);
    }

    [Test]
    public async Task AfterAStalledReadTheNextReadIsWatchedAfresh()
    {
        await using var pair = await SocketPair.OpenAsync();
        await using var stream = new IdleTimeoutStream(pair.ClientStream, Idle);
        var buffer = new byte[16];
        Assert.CatchAsync<IdleTimeoutException>(async () => { _ = await stream.ReadAsync(buffer); });

        // The data arrives a little before the idle time: the new read gets it, not the old cancellation.
        _ = Task.Delay(Idle / 2).ContinueWith(_ => pair.Server.Send("xyz"u8));
        var n = await stream.ReadAsync(buffer);

        Assert.That(buffer.AsSpan(0, n).ToArray(), Is.EqualTo("xyz"u8.ToArray()));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task DisposingTheStreamStopsItsTimer(bool async)
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.Server.SendAsync("abc"u8.ToArray());
        var stream = new IdleTimeoutStream(pair.ClientStream, Idle);
        Assert.That(stream.Watching, Is.False, "no timer before the first read");
        await stream.ReadExactlyAsync(new byte[3]);
        Assert.That(stream.Watching, Is.True);

        if (async) await stream.DisposeAsync();
        else stream.Dispose();

        Assert.That(stream.Watching, Is.False);
    }

    [Test]
    public void ManyStreamsShareNoTimerUntilRead()
    {
        // Timer.ActiveCount counts the process's live timers: reading 200 streams adds about 200, disposing them takes them back.
        var streams = Enumerable.Range(0, 200).Select(_ => new IdleTimeoutStream(new MemoryStream(new byte[4]), Idle)).ToList();
        var before = Timer.ActiveCount;
        foreach (var stream in streams) stream.ReadExactly(new byte[4]);
        var reading = Timer.ActiveCount;
        foreach (var stream in streams) stream.Dispose();
        var after = Timer.ActiveCount;

        Assert.That(reading - before, Is.GreaterThanOrEqualTo(190));
        Assert.That(reading - after, Is.GreaterThanOrEqualTo(190));
    }

    /// <summary>Both ends of a loopback TCP connection: the test sends on <see cref="Server"/> and reads <see cref="ClientStream"/>.</summary>
    private sealed class SocketPair : IAsyncDisposable
    {
        private SocketPair(Socket server, NetworkStream clientStream) => (Server, ClientStream) = (server, clientStream);

        public Socket Server { get; }
        public NetworkStream ClientStream { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var accepting = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!);
            return new SocketPair(await accepting, new NetworkStream(client, ownsSocket: true));
        }

        public async ValueTask DisposeAsync()
        {
            Server.Dispose();
            await ClientStream.DisposeAsync();
        }
    }
}
