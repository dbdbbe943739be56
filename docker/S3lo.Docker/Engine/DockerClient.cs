using System.IO.Pipes;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Net;
using S3lo.Core.Oci;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Engine;

/// <summary>
/// The Docker Engine API over the daemon's socket (unix socket, named pipe or plain TCP). Paths are
/// unversioned so the daemon answers in its own API version; responses that can be large are streamed.
/// </summary>
public sealed class DockerClient : IDisposable
{
    /// <summary>The first API version whose image export takes a <c>platform</c> parameter (Docker 28).</summary>
    public static readonly Version ExportPlatformApiVersion = new(1, 48);

    private const int MaxJsonResponseBytes = 16 * 1024 * 1024;
    private const int MaxErrorBodyBytes = 64 * 1024;
    private static readonly TimeSpan PipeConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;

    /// <summary>Uses <c>DOCKER_HOST</c>, or the platform's default socket.</summary>
    public DockerClient() : this(DockerHost.FromEnvironmentVariables())
    {
    }

    public DockerClient(DockerHost host)
    {
        Host = host;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            // Never route a local socket's requests through HTTP_PROXY.
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        var baseAddress = host.Kind == DockerHostKind.Tcp
            ? new UriBuilder(Uri.UriSchemeHttp, host.TcpHost, host.TcpPort).Uri
            : new Uri("http://docker/");
        // Exports and loads of large images take minutes: callers bound them with their token, not a timeout.
        // ...but a daemon that goes silent (no byte for the idle timeout) fails the request instead of hanging it.
        _http = new HttpClient(new IdleTimeoutHandler(IdleTimeout.FromEnvironment()) { InnerHandler = handler })
        {
            BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public DockerHost Host { get; }

    /// <summary>The daemon's API version as its last response gave it (the <c>Api-Version</c> header), if seen.</summary>
    public Version? ApiVersion { get; private set; }

    /// <summary><c>GET /_ping</c>: throws <see cref="DockerUnavailableException"/> when the socket cannot be reached.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "_ping"), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, image: null, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /images/{name}/json</c>; null when the daemon has no such image.</summary>
    public async Task<DockerImageInspect?> InspectImageAsync(string nameOrId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"images/{PathName(nameOrId)}/json");
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, nameOrId, ct).ConfigureAwait(false);
        var body = await ReadCappedAsync(response.Content, MaxJsonResponseBytes, "image inspect response", ct).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, DockerJsonContext.Default.DockerImageInspect)
                ?? throw new S3loException($"the Docker daemon returned an empty inspect response for '{nameOrId}'");
        }
        catch (JsonException e)
        {
            throw new S3loException($"the Docker daemon returned an unreadable inspect response for '{nameOrId}': {e.Message}", inner: e);
        }
    }

    /// <summary>
    /// <c>GET /images/{name}/get</c>: the <c>docker save</c> tar, streamed. <paramref name="platform"/>
    /// (os/arch[/variant]) is sent only to daemons that understand it (API 1.48+); older daemons hold
    /// one platform per image, so the caller checks the exported config instead.
    /// </summary>
    public async Task<Stream> ExportImageAsync(string nameOrId, string? platform, CancellationToken ct)
    {
        var path = $"images/{PathName(nameOrId)}/get";
        if (platform is not null)
        {
            var spec = PlatformSpec.Parse(platform);
            if (ApiVersion is null) await PingAsync(ct).ConfigureAwait(false);
            if (ApiVersion is not null && ApiVersion >= ExportPlatformApiVersion)
            {
                var json = JsonSerializer.Serialize(
                    new DockerPlatformQuery { Os = spec.Os, Architecture = spec.Architecture, Variant = spec.Variant },
                    DockerJsonContext.Default.DockerPlatformQuery);
                path += "?platform=" + Uri.EscapeDataString(json);
            }
        }
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        try
        {
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, nameOrId, ct).ConfigureAwait(false);
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>POST /images/load</c>: uploads <paramref name="tarStream"/> as it is read (chunked, never buffered)
    /// and reports what the daemon loaded. The daemon unpacks the whole upload before loading anything, so a
    /// stream that fails midway loads nothing. The caller owns (and disposes) the stream.
    /// </summary>
    public Task<DockerLoadResult> LoadImageAsync(Stream tarStream, CancellationToken ct) => LoadImageAsync(tarStream, null, ct);

    /// <summary>
    /// <see cref="LoadImageAsync(Stream, CancellationToken)"/>, reporting each layer as the daemon applies it
    /// (the response is read as it streams; no line may exceed the JSON limit).
    /// </summary>
    public async Task<DockerLoadResult> LoadImageAsync(Stream tarStream, Action<DockerLoadProgress>? progress, CancellationToken ct)
    {
        var content = new StreamContent(new NonClosingStream(tarStream), 1024 * 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        var request = new HttpRequestMessage(HttpMethod.Post, "images/load?quiet=0") { Content = content };
        if (!tarStream.CanSeek) request.Headers.TransferEncodingChunked = true;
        // The tar comes from a download that may pause to resume, and the daemon answers only after unpacking it all.
        request.Options.Set(IdleTimeoutHandler.AnswerOnly, true);
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, image: null, ct).ConfigureAwait(false);
        var messages = new DockerLoadMessages();
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var line in JsonLines.ReadAsync(body, MaxJsonResponseBytes, "image load response", ct).ConfigureAwait(false))
        {
            if (messages.Read(line.Span) is { } layer) progress?.Invoke(layer);
        }
        return messages.Result();
    }

    /// <summary>
    /// <c>POST /images/create?fromImage=</c>: the daemon pulls <paramref name="repository"/> at
    /// <paramref name="tagOrDigest"/> from its registry, <paramref name="registryAuth"/> (the base64 JSON of
    /// <c>X-Registry-Auth</c>) given to it. Every progress message goes to <paramref name="onMessage"/> as it
    /// arrives; an error message fails the call with the daemon's words.
    /// </summary>
    public async Task PullImageAsync(string repository, string tagOrDigest, string? registryAuth, Action<DockerJsonMessage> onMessage, CancellationToken ct)
    {
        var path = $"images/create?fromImage={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tagOrDigest)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (registryAuth is not null) request.Headers.TryAddWithoutValidation("X-Registry-Auth", registryAuth);
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, image: null, ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var lines = new StreamReader(stream, Encoding.UTF8);
        while (await lines.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            DockerJsonMessage? message;
            try
            {
                message = JsonSerializer.Deserialize(line, DockerJsonContext.Default.DockerJsonMessage);
            }
            catch (JsonException)
            {
                continue;
            }
            if (message is null) continue;
            var error = message.ErrorDetail?.Message ?? message.Error;
            if (!string.IsNullOrEmpty(error)) throw new S3loException($"the Docker daemon could not pull the image: {OneLine(error)}");
            onMessage(message);
        }
    }

    /// <summary><c>DELETE /images/{name}?noprune=1</c>: removes one reference only, never the layers of an image still named otherwise; false when there was no such reference.</summary>
    public async Task<bool> UntagImageAsync(string reference, CancellationToken ct)
    {
        var path = $"images/{PathName(reference)}?noprune=1";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, image: null, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary><c>POST /images/{name}/tag</c>: names <paramref name="source"/> <c>repository:tag</c>.</summary>
    public async Task TagImageAsync(string source, string repository, string tag, CancellationToken ct)
    {
        var path = $"images/{PathName(source)}/tag?repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, source, ct).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /images/{name}</c>; false when there was no such image.</summary>
    public async Task<bool> RemoveImageAsync(string nameOrId, bool force, CancellationToken ct)
    {
        var path = $"images/{PathName(nameOrId)}?force={(force ? "1" : "0")}";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, image: null, ct).ConfigureAwait(false);
        return true;
    }

    public void Dispose() => _http.Dispose();

    internal static DockerLoadResult ParseLoadResponse(ReadOnlySpan<byte> body)
    {
        var messages = new DockerLoadMessages();
        foreach (var range in body.Split((byte)'\n')) messages.Read(body[range]);
        return messages.Result();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (response.Headers.TryGetValues("Api-Version", out var values)
                && Version.TryParse(values.FirstOrDefault(), out var version))
                ApiVersion = version;
            return response;
        }
        catch (HttpRequestException e) when (FindInner<DockerUnavailableException>(e) is { } unavailable)
        {
            ExceptionDispatchInfo.Throw(unavailable);
            throw;
        }
        catch (HttpRequestException e) when (e.InnerException is S3loException or OperationCanceledException)
        {
            // The request body (a load's tar stream) failed: its own error is the one to report.
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new DockerUnavailableException(Host, e.Message, inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new S3loException($"the Docker daemon at {Host.Display} failed the request: {e.Message}", inner: e);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        try
        {
            return Host.Kind switch
            {
                DockerHostKind.UnixSocket => await ConnectSocketAsync(
                    new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
                    new UnixDomainSocketEndPoint(Host.Address), ct).ConfigureAwait(false),
                DockerHostKind.Tcp => await ConnectSocketAsync(
                    new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true },
                    new DnsEndPoint(Host.TcpHost!, Host.TcpPort), ct).ConfigureAwait(false),
                _ => await ConnectPipeAsync(ct).ConfigureAwait(false),
            };
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new DockerUnavailableException(Host, "permission denied",
                "run as a user who may use the Docker socket (e.g. a member of the 'docker' group)", e);
        }
        catch (SocketException e)
        {
            throw new DockerUnavailableException(Host, Reason(e), inner: e);
        }
        catch (TimeoutException e)
        {
            throw new DockerUnavailableException(Host, "the named pipe did not answer", inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DockerUnavailableException(Host, "permission denied",
                "run as a user who may use the Docker pipe (e.g. an administrator or a member of 'docker-users')", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new DockerUnavailableException(Host, LowerFirst(e.Message), inner: e);
        }
    }

    // .NET reports a missing unix socket file as AddressNotAvailable ("cannot assign requested address").
    private string Reason(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable when Host.Kind == DockerHostKind.UnixSocket => "no such socket",
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "timed out",
        SocketError.HostNotFound => "unknown host",
        _ => LowerFirst(e.Message),
    };

    private static async Task<Stream> ConnectSocketAsync(Socket socket, EndPoint endPoint, CancellationToken ct)
    {
        try
        {
            await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Stream> ConnectPipeAsync(CancellationToken ct)
    {
        var pipe = new NamedPipeClientStream(".", Host.Address, PipeDirection.InOut, PipeOptions.Asynchronous);
        try
        {
            // A bounded wait: with no timeout a missing pipe is waited for forever.
            await pipe.ConnectAsync(PipeConnectTimeout, ct).ConfigureAwait(false);
            return pipe;
        }
        catch
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<S3loException> ErrorAsync(HttpResponseMessage response, string? image, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.NotFound && image is not null)
            return new NotFoundException($"image '{image}' not found in the Docker daemon");
        string message;
        try
        {
            var body = await ReadCappedAsync(response.Content, MaxErrorBodyBytes, "error response", ct).ConfigureAwait(false);
            message = ErrorMessage(body) ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (S3loException)
        {
            message = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        return new S3loException($"Docker daemon: {message}");
    }

    private static string? ErrorMessage(byte[] body)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize(body, DockerJsonContext.Default.DockerErrorBody);
            if (!string.IsNullOrWhiteSpace(parsed?.Message)) return OneLine(parsed.Message);
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the text itself.
        }
        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length == 0 ? null : OneLine(text);
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, int maxBytes, string what, CancellationToken ct)
    {
        if (content.Headers.ContentLength > maxBytes)
            throw new S3loException($"the Docker daemon's {what} is over the {maxBytes}-byte limit");
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > maxBytes)
                throw new S3loException($"the Docker daemon's {what} is over the {maxBytes}-byte limit");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Image names and IDs go into the path as they are (the daemon's routes take '/' and ':'), escaped otherwise.</summary>
    private static string PathName(string nameOrId)
    {
        if (string.IsNullOrWhiteSpace(nameOrId) || nameOrId.Contains("..", StringComparison.Ordinal))
            throw new UsageException($"invalid image name '{nameOrId}'");
        return Uri.EscapeDataString(nameOrId)
            .Replace("%2F", "/", StringComparison.Ordinal)
            .Replace("%3A", ":", StringComparison.Ordinal)
            .Replace("%40", "@", StringComparison.Ordinal);
    }

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is T found) return found;
        return null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}
