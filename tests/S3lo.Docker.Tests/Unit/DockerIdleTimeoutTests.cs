using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using S3lo.Core.Errors;
using S3lo.Docker.Engine;

namespace S3lo.Docker.Tests.Unit;

/// <summary>
/// A daemon that accepts the connection and never answers: with S3LO_IDLE_TIMEOUT=2s the request
/// fails in seconds with one clear error instead of hanging. An in-process listener on 127.0.0.1,
/// because no real Docker daemon stalls on demand.
/// </summary>
public sealed class DockerIdleTimeoutTests
{
    [Test]
    public async Task ADaemonThatNeverAnswersFailsTheRequestAfterTheIdleTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true) held.Add(await listener.AcceptSocketAsync());
        });
        using var environment = new EnvironmentScope().Set("S3LO_IDLE_TIMEOUT", "2s");
        try
        {
            var client = new DockerClient(DockerHost.Parse($"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"));
            var clock = Stopwatch.StartNew();

            var error = Assert.CatchAsync<S3loException>(async () => await client.PingAsync(CancellationToken.None));

            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
            Assert.That(error!.Message, Does.Contain("nothing for 2 s"));
        }
        finally
        {
            foreach (var socket in held) socket.Dispose();
        }
    }
}
