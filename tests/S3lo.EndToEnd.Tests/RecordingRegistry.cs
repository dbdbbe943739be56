using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// An OCI registry with its own token server, in process, that RECORDS every Authorization header
/// each of them receives. A real registry cannot show which credentials its token server was
/// given, and which secret reached which host is exactly what the credential tests assert. It
/// speaks the distribution API as far as a copy needs (manifests, blobs, monolithic and chunked
/// uploads) and issues a token to anyone, so a copy succeeds whatever it sends: only the record
/// tells right from wrong.
/// </summary>
public sealed class RecordingRegistry : IDisposable
{
    private readonly LoopbackHttpServer _registry;
    private readonly LoopbackHttpServer _tokens;
    private readonly ConcurrentDictionary<string, (byte[] Body, string MediaType)> _manifests = new();
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<string, MemoryStream> _uploads = new();
    private readonly string _token = "token-" + Guid.NewGuid().ToString("N");
    private int _uploadIds;

    /// <param name="host">Where the registry listens (127.0.0.1, 127.0.0.2: two hosts on one machine).</param>
    /// <param name="tokenHost">Where its token server listens; the registry's host by default.</param>
    public RecordingRegistry(string host, string? tokenHost = null)
    {
        _registry = new LoopbackHttpServer(RegistryAsync, host);
        _tokens = new LoopbackHttpServer(TokenAsync, tokenHost ?? host);
    }

    /// <summary>host:port, the registry part of references.</summary>
    public string Authority => _registry.Authority;

    public string TokenAuthority => _tokens.Authority;

    /// <summary>The Authorization header of every token request, "" when there was none.</summary>
    public ConcurrentQueue<string> TokenRequests { get; } = new();

    /// <summary>The Authorization header of every registry API request, "" when there was none.</summary>
    public ConcurrentQueue<string> RegistryRequests { get; } = new();

    public static string Basic(string userColonPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userColonPassword));

    /// <summary>The fixture store's amd64 alpine image (manifest, config, layer) under REPOSITORY:TAG.</summary>
    public void Seed(string repository, string tag)
    {
        var blobs = Path.Combine(Repo.FixtureStore, "blobs", "sha256");
        const string manifestDigest = "sha256:59855d3dceb3ae53991193bd03301e082b2a7faa56a514b03527ae0ec2ce3a95";
        var manifest = File.ReadAllBytes(Path.Combine(blobs, manifestDigest[7..]));
        using var json = JsonDocument.Parse(manifest);
        var digests = json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)
            .Append(json.RootElement.GetProperty("config").GetProperty("digest").GetString()!);
        foreach (var digest in digests) _blobs[digest] = File.ReadAllBytes(Path.Combine(blobs, digest[7..]));
        var mediaType = json.RootElement.GetProperty("mediaType").GetString()!;
        _manifests[$"{repository}:{tag}"] = (manifest, mediaType);
        _manifests[$"{repository}:{manifestDigest}"] = (manifest, mediaType);
    }

    public bool HasManifest(string repository, string tag) => _manifests.ContainsKey($"{repository}:{tag}");

    private async Task TokenAsync(HttpListenerContext context)
    {
        TokenRequests.Enqueue(context.Request.Headers["Authorization"] ?? "");
        await LoopbackHttpServer.WriteAsync(context, 200, Encoding.UTF8.GetBytes($$"""{"token":"{{_token}}","expires_in":300}"""), "application/json");
    }

    private async Task RegistryAsync(HttpListenerContext context)
    {
        var request = context.Request;
        RegistryRequests.Enqueue(request.Headers["Authorization"] ?? "");
        if (request.Headers["Authorization"] != "Bearer " + _token)
        {
            await LoopbackHttpServer.WriteAsync(context, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""u8.ToArray(), "application/json",
                new Dictionary<string, string> { ["WWW-Authenticate"] = $"Bearer realm=\"http://{TokenAuthority}/token\",service=\"recording\"" });
            return;
        }
        var path = request.Url!.AbsolutePath;
        var method = request.HttpMethod;
        if (path == "/v2/")
        {
            await LoopbackHttpServer.WriteAsync(context, 200, "{}"u8.ToArray(), "application/json");
            return;
        }
        var body = await ReadBodyAsync(request);
        if (Split(path, "/manifests/") is { } named)
        {
            var (repository, reference) = named;
            if (method == "PUT")
            {
                var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
                var entry = (body, request.ContentType ?? "");
                _manifests[$"{repository}:{reference}"] = entry;
                _manifests[$"{repository}:{digest}"] = entry;
                await LoopbackHttpServer.WriteAsync(context, 201, null, null, new Dictionary<string, string> { ["Docker-Content-Digest"] = digest });
            }
            else if (_manifests.TryGetValue($"{repository}:{reference}", out var manifest))
            {
                var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest.Body));
                await LoopbackHttpServer.WriteAsync(context, 200, manifest.Body, manifest.MediaType, new Dictionary<string, string> { ["Docker-Content-Digest"] = digest });
            }
            else await LoopbackHttpServer.WriteAsync(context, 404, """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"""u8.ToArray(), "application/json");
        }
        else if (path.Contains("/blobs/uploads/", StringComparison.Ordinal))
        {
            var id = path[(path.IndexOf("/blobs/uploads/", StringComparison.Ordinal) + "/blobs/uploads/".Length)..];
            var prefix = path[..(path.Length - id.Length)];
            if (method == "POST")
            {
                id = "u" + Interlocked.Increment(ref _uploadIds);
                _uploads[id] = new MemoryStream();
                await LoopbackHttpServer.WriteAsync(context, 202, null, null, new Dictionary<string, string> { ["Location"] = prefix + id });
            }
            else if (_uploads.TryGetValue(id, out var upload))
            {
                upload.Write(body);
                if (method == "PUT" && request.QueryString["digest"] is { } digest)
                {
                    _blobs[digest] = upload.ToArray();
                    await LoopbackHttpServer.WriteAsync(context, 201, null, null, new Dictionary<string, string> { ["Docker-Content-Digest"] = digest });
                }
                else await LoopbackHttpServer.WriteAsync(context, 202, null, null, new Dictionary<string, string> { ["Location"] = prefix + id, ["Range"] = $"0-{Math.Max(0, upload.Length - 1)}" });
            }
            else await LoopbackHttpServer.WriteAsync(context, 404);
        }
        else if (Split(path, "/blobs/") is { } blob && _blobs.TryGetValue(blob.Reference, out var bytes))
            await LoopbackHttpServer.WriteAsync(context, 200, bytes, "application/octet-stream");
        else await LoopbackHttpServer.WriteAsync(context, 404, """{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}"""u8.ToArray(), "application/json");
    }

    private static (string Repository, string Reference)? Split(string path, string marker)
    {
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 4 ? null : (path[4..at], path[(at + marker.Length)..]);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public void Dispose()
    {
        _registry.Dispose();
        _tokens.Dispose();
    }
}
