using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace S3lo.Serve;

/// <summary>
/// A throwaway read-only registry on 127.0.0.1 (a port the OS picks) that serves one image by digest
/// to one client: its manifest and the blobs the manifest names, nothing else, under a random repository
/// name and behind a random basic-auth credential. <c>s3lo pull</c> starts it so that the Docker daemon's
/// own puller fetches the layers (in parallel, each applied as it arrives) instead of a docker-save tar.
/// </summary>
public sealed class OneImageServer : IAsyncDisposable
{
    private const string Challenge = "Basic realm=\"s3lo-pull\"";

    private readonly KestrelApp _app;
    private readonly Handler _handler;

    private OneImageServer(KestrelApp app, Handler handler, int port)
    {
        _app = app;
        _handler = handler;
        Port = port;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, the registry host the daemon is given.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The random user of the credential.</summary>
    public string User => _handler.User;

    /// <summary>The random password of the credential.</summary>
    public string Password => _handler.Password;

    /// <summary>True once a client asked for <c>/v2/</c>: the daemon reached this server.</summary>
    public bool Contacted => _handler.Contacted;

    /// <summary>Blob downloads started (with the credential).</summary>
    public int BlobsRequested => _handler.BlobsRequested;

    /// <param name="repository">The repository name the image is served under.</param>
    /// <param name="manifest">The manifest's bytes, served only by its digest.</param>
    /// <param name="blobs">The blobs the manifest names, by digest; opened for every download.</param>
    /// <param name="onBlobFailure">Told when a blob could not be read whole (a missing or corrupt blob in the store).</param>
    public static async Task<OneImageServer> StartAsync(string repository, ServedImageManifest manifest, IReadOnlyDictionary<string, ServedImageBlob> blobs,
        Action<Exception> onBlobFailure, CancellationToken ct)
    {
        var handler = new Handler(repository, manifest, blobs, onBlobFailure, Random(16), Random(32));
        var app = await KestrelApp.StartAsync(kestrel => kestrel.Listen(IPAddress.Loopback, 0), handler.HandleAsync, TimeSpan.FromSeconds(2), ct)
            .ConfigureAwait(false);
        if (app.Address is not { } bound)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("Kestrel reported no address");
        }
        return new OneImageServer(app, handler, bound.Port);
    }

    /// <summary>A random lowercase hex string of <paramref name="bytes"/> bytes (a name, a user, a password).</summary>
    public static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private sealed class Handler(string repository, ServedImageManifest manifest, IReadOnlyDictionary<string, ServedImageBlob> blobs,
        Action<Exception> onBlobFailure, string user, string password)
    {
        private readonly byte[] _expected = Encoding.ASCII.GetBytes("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        private int _contacted;
        private int _blobsRequested;

        public string User => user;
        public string Password => password;
        public bool Contacted => Volatile.Read(ref _contacted) == 1;
        public int BlobsRequested => Volatile.Read(ref _blobsRequested);

        public async Task HandleAsync(HttpContext context)
        {
            var request = context.Request;
            var response = context.Response;
            var path = request.Path.Value ?? "";
            response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            if (path is "/v2/" or "/v2") Volatile.Write(ref _contacted, 1);
            if (!Authorized(request))
            {
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = Challenge;
                return;
            }
            var head = HttpMethods.IsHead(request.Method);
            if (!head && !HttpMethods.IsGet(request.Method))
            {
                response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }
            var prefix = $"/v2/{repository}/";
            if (path is "/v2/" or "/v2")
            {
                response.ContentType = "application/json";
                if (!head) await response.WriteAsync("{}", context.RequestAborted).ConfigureAwait(false);
            }
            else if (path == prefix + "manifests/" + manifest.Digest)
            {
                response.ContentType = manifest.MediaType;
                response.ContentLength = manifest.Bytes.Length;
                response.Headers["Docker-Content-Digest"] = manifest.Digest;
                if (!head) await response.Body.WriteAsync(manifest.Bytes, context.RequestAborted).ConfigureAwait(false);
            }
            else if (path.StartsWith(prefix + "blobs/", StringComparison.Ordinal) && blobs.TryGetValue(path[(prefix.Length + 6)..], out var blob))
            {
                await ServeBlobAsync(context, blob, head).ConfigureAwait(false);
            }
            else
            {
                response.StatusCode = StatusCodes.Status404NotFound;
            }
        }

        private async Task ServeBlobAsync(HttpContext context, ServedImageBlob blob, bool head)
        {
            var response = context.Response;
            response.ContentType = "application/octet-stream";
            response.ContentLength = blob.Size;
            response.Headers["Docker-Content-Digest"] = blob.Digest;
            if (head) return;
            Interlocked.Increment(ref _blobsRequested);
            try
            {
                await using var content = await blob.OpenAsync(context.RequestAborted).ConfigureAwait(false);
                await content.CopyToAsync(response.Body, 1024 * 1024, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The daemon went away (its pull was stopped): nothing to report.
            }
            catch (Exception e)
            {
                onBlobFailure(e);
                // Cut the response short: the daemon never takes a blob that failed here.
                context.Abort();
            }
        }

        private bool Authorized(HttpRequest request)
        {
            var given = request.Headers.Authorization.ToString();
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), _expected);
        }
    }
}
