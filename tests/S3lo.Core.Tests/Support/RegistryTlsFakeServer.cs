using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace S3lo.Core.Tests.Support;

/// <summary>
/// A minimal HTTPS server (TcpListener + SslStream, self-signed certificate, one request per
/// connection) for the https-only rules: certificate checks and https → http redirect refusal.
/// The handler maps a request path to a raw status line and headers.
/// </summary>
internal sealed class RegistryTlsFakeServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly Func<string, (int Status, IReadOnlyDictionary<string, string> Headers)> _handler;
    private readonly CancellationTokenSource _stop = new();

    public RegistryTlsFakeServer(Func<string, (int Status, IReadOnlyDictionary<string, string> Headers)> handler)
    {
        _handler = handler;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Authority => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public List<string> Paths { get; } = [];

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(_certificate);
                        var head = new StringBuilder();
                        var buffer = new byte[1];
                        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await tls.ReadAsync(buffer) == 1) head.Append((char)buffer[0]);
                        var path = head.ToString().Split(' ')[1];
                        lock (Paths) Paths.Add(path);
                        var (status, headers) = _handler(path);
                        var response = new StringBuilder($"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n");
                        foreach (var (name, value) in headers) response.Append(name).Append(": ").Append(value).Append("\r\n");
                        await tls.WriteAsync(Encoding.ASCII.GetBytes(response.Append("\r\n").ToString()));
                    }
                    catch (Exception)
                    {
                        // A client that refused the certificate hangs up mid-handshake.
                    }
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
    }
}
