using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Registry;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Registry;

/// <summary>
/// A chunked upload whose PATCH breaks mid-body. The real registry cannot be made to drop a
/// connection halfway through a request on demand, so an in-process stand-in plays the upload
/// endpoints exactly as distribution does: it keeps the bytes it read before the cut, answers
/// <c>GET</c> on the upload URL with <c>Range: 0-N</c>, and refuses (416) a PATCH that does not
/// start where its upload ends.
/// </summary>
[TestFixture]
public class RegistryChunkResumeTests
{
    private const string Repository = "fake/big";
    private const int Chunk = 256 * 1024;

    private static RegistryClientOptions Options(RegistryTestLogger logger) => new()
    {
        Logger = logger,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
        MonolithicUploadLimit = Chunk,
        UploadChunkSize = Chunk,
    };

    /// <summary>
    /// Upload endpoints with distribution's rules over a raw socket (HttpListener cannot drop a
    /// connection without answering first); <see cref="CutAt"/> resets the connection of the
    /// PATCH that would cross it, once, after storing the bytes before it.
    /// </summary>
    private sealed class UploadServer : IDisposable
    {
        private readonly ConcurrentDictionary<string, MemoryStream> _uploads = new();
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _sessions;

        public UploadServer()
        {
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public long CutAt { get; set; } = -1;
        public bool ForgetOnCut { get; set; }
        public byte[]? Stored { get; private set; }
        public int Sessions => _sessions;
        public string Authority => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public ConcurrentQueue<(string Method, string Target, string? ContentRange)> Requests { get; } = new();

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync();
                }
                catch (Exception)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(socket));
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var _ = socket;
            await using var stream = new NetworkStream(socket);
            var reader = new BufferedStream(stream);
            try
            {
                while (await ReadLineAsync(reader) is { Length: > 0 } requestLine)
                {
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    while (await ReadLineAsync(reader) is { Length: > 0 } line)
                    {
                        var colon = line.IndexOf(':');
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                    var parts = requestLine.Split(' ');
                    var (method, target) = (parts[0], parts[1]);
                    Requests.Enqueue((method, target, headers.GetValueOrDefault("Content-Range")));
                    var length = headers.TryGetValue("Content-Length", out var l) ? long.Parse(l) : 0;
                    var reply = await HandleAsync(method, target, headers, reader, length);
                    if (reply is null)
                    {
                        socket.LingerState = new LingerOption(true, 0); // close with RST: the connection drops mid-body
                        return;
                    }
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
                }
            }
            catch (IOException)
            {
                // The client went away.
            }
        }

        /// <summary>The whole response, or null to drop the connection.</summary>
        private async Task<string?> HandleAsync(string method, string target, Dictionary<string, string> headers, Stream body, long length)
        {
            var path = target.Split('?')[0];
            var uploads = $"/v2/{Repository}/blobs/uploads/";
            if (method == "POST" && path == uploads)
            {
                await Skip(body, length);
                var id = "u" + Interlocked.Increment(ref _sessions);
                _uploads[id] = new MemoryStream();
                return Reply(202, Located(id));
            }
            if (!path.StartsWith(uploads, StringComparison.Ordinal))
            {
                await Skip(body, length);
                return Reply(path == "/v2/" ? 200 : 404);
            }
            var key = path[uploads.Length..];
            if (!_uploads.TryGetValue(key, out var upload))
            {
                await Skip(body, length);
                return Reply(404);
            }
            switch (method)
            {
                case "GET":
                    return Reply(204, Located(key, upload.Length));
                case "PATCH":
                    if (long.Parse(headers["Content-Range"].Split('-')[0]) != upload.Length)
                    {
                        await Skip(body, length);
                        return Reply(416, Located(key, upload.Length));
                    }
                    var data = new byte[length];
                    await body.ReadExactlyAsync(data);
                    if (CutAt >= 0 && upload.Length + length > CutAt)
                    {
                        upload.Write(data, 0, (int)(CutAt - upload.Length));
                        CutAt = -1;
                        if (ForgetOnCut) _uploads.TryRemove(key, out _);
                        return null;
                    }
                    upload.Write(data);
                    return Reply(202, Located(key, upload.Length));
                case "PUT":
                    await Skip(body, length);
                    var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(upload.ToArray()));
                    if (!target.Contains("digest=" + Uri.EscapeDataString(digest), StringComparison.Ordinal)) return Reply(400);
                    Stored = upload.ToArray();
                    return Reply(201, $"Docker-Content-Digest: {digest}\r\n");
                default:
                    await Skip(body, length);
                    return Reply(204);
            }
        }

        private static string Located(string id, long? length = null) =>
            $"Location: /v2/{Repository}/blobs/uploads/{id}?_state={id}\r\n" + (length is { } l ? $"Range: 0-{Math.Max(0, l - 1)}\r\n" : "");

        private static string Reply(int status, string headers = "") => $"HTTP/1.1 {status} X\r\n{headers}Content-Length: 0\r\n\r\n";

        private static async Task Skip(Stream body, long length)
        {
            if (length > 0) await body.ReadExactlyAsync(new byte[length]);
        }

        private static async Task<string?> ReadLineAsync(Stream stream)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                if (await stream.ReadAsync(one) == 0) return line.Length == 0 ? null : line.ToString();
                if (one[0] == '\n') return line.ToString().TrimEnd('\r');
                line.Append((char)one[0]);
            }
        }

        public void Dispose() => _listener.Stop();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static Digest DigestOf(byte[] data) => Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(data)));

    [Test]
    public async Task APATCHCutMidBodyResumesAtTheOffsetTheRegistryReports()
    {
        var data = RandomBytes(3 * Chunk + 1000, 8);
        using var server = new UploadServer { CutAt = Chunk + 100_000 };
        var logger = new RegistryTestLogger();
        using var client = new RegistryClient(server.Authority, Options(logger));

        // A stream that cannot seek: the resumed bytes come from the chunk held in memory.
        await client.UploadBlobAsync(Repository, DigestOf(data), data.Length, new SourceStream(data, maxChunk: 64 * 1024), CancellationToken.None);

        var patches = server.Requests.Where(r => r.Method == "PATCH").Select(r => r.ContentRange).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(server.Stored, Is.EqualTo(data), "the registry holds the exact bytes");
            Assert.That(server.Sessions, Is.EqualTo(1), "one upload session, resumed");
            Assert.That(server.Requests.Count(r => r.Method == "GET" && r.Target.Contains("/blobs/uploads/")), Is.EqualTo(1), "the offset was asked once");
            Assert.That(patches, Is.EqualTo(new[]
            {
                $"0-{Chunk - 1}", $"{Chunk}-{2 * Chunk - 1}", $"{Chunk + 100_000}-{2 * Chunk - 1}", $"{2 * Chunk}-{3 * Chunk - 1}", $"{3 * Chunk}-{3 * Chunk + 999}",
            }));
            Assert.That(logger.All, Does.Contain($"the registry holds {Chunk + 100_000} bytes, resuming there"));
        });
    }

    [Test]
    public async Task ALostSessionStartsOverWhenTheSourceCanSeek()
    {
        var data = RandomBytes(3 * Chunk, 9);
        using var server = new UploadServer { CutAt = 2 * Chunk + 10, ForgetOnCut = true };
        using var client = new RegistryClient(server.Authority, Options(new RegistryTestLogger()));

        await client.UploadBlobAsync(Repository, DigestOf(data), data.Length, new MemoryStream(data), CancellationToken.None);

        Assert.That(server.Stored, Is.EqualTo(data));
        Assert.That(server.Sessions, Is.EqualTo(2), "a new session replaced the lost one");
        Assert.That(server.Requests.Where(r => r.Method == "PATCH").Select(r => r.ContentRange).Last(), Is.EqualTo($"{2 * Chunk}-{3 * Chunk - 1}"));
    }

    [Test]
    public void ALostSessionPastTheFirstChunkOfAStreamThatCannotSeekFailsInOneLine()
    {
        var data = RandomBytes(3 * Chunk, 10);
        using var server = new UploadServer { CutAt = 2 * Chunk + 10, ForgetOnCut = true };
        using var client = new RegistryClient(server.Authority, Options(new RegistryTestLogger()));

        var e = Assert.ThrowsAsync<S3loException>(() => client.UploadBlobAsync(Repository, DigestOf(data), data.Length, new SourceStream(data, maxChunk: 64 * 1024), CancellationToken.None))!;

        Assert.That(e.Message, Does.StartWith($"upload of blob {DigestOf(data)} to {server.Authority}/{Repository} broke at byte {2 * Chunk}"));
        Assert.That(e.Message, Does.EndWith("the source cannot be read again from there"));
        Assert.That(server.Stored, Is.Null);
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task TheRealRegistryEndsUpWithTheExactBlobWhenAPATCHIsCutMidBody(int patchNumber)
    {
        var data = RandomBytes(3 * Chunk + 500, 10 + patchNumber);
        using var proxy = new CuttingProxy(RegistryTestEnvironment.OpenRegistry, bytesAfterPatch: 100_000, patchNumber);
        var logger = new RegistryTestLogger();
        using var client = new RegistryClient(proxy.Authority, Options(logger));
        var repository = RegistryTestEnvironment.UniquePrefix() + "/big";

        await client.UploadBlobAsync(repository, DigestOf(data), data.Length, new MemoryStream(data), CancellationToken.None);

        Assert.That(proxy.HasCut, Is.True, "the proxy cut a PATCH");
        await using var back = await client.OpenBlobAsync(repository, DigestOf(data), CancellationToken.None);
        using var copy = new MemoryStream();
        await back.CopyToAsync(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(data));
        TestContext.Progress.WriteLine(string.Join("\n", logger.Lines.Where(l => l.Contains("uploads", StringComparison.Ordinal))));
    }

    [TestCase("0-99", 100L)]
    [TestCase("bytes=0-99", 100L)]
    [TestCase("0-0", 0L)]
    [TestCase("5-99", null)]
    [TestCase("0-x", null)]
    [TestCase(null, null)]
    public void ReadsTheRangeAnUploadSessionReports(string? range, long? held) =>
        Assert.That(RegistryClient.ParseHeld(range), Is.EqualTo(held));
}
