using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// The write half (--allow-push): blob upload sessions and manifest PUTs, answered as the OCI
/// distribution spec says (Location, Docker-Upload-UUID and Range on every session response).
/// </summary>
internal sealed partial class RegistryEndpoints
{
    private const string UploadUuidHeader = "Docker-Upload-UUID";
    private const string SubjectHeader = "OCI-Subject";

    private RegistryWriter? _writer;

    private RegistryWriter Writer => LazyInitializer.EnsureInitialized(ref _writer,
        () => new RegistryWriter(reader.Bucket, TimeProvider.System, line => Console.Error.WriteLine(line)));

    /// <summary>POST NAME/blobs/uploads/ (<paramref name="sessionId"/> null), PATCH/PUT/GET/DELETE NAME/blobs/uploads/ID.</summary>
    private async Task HandleUploadAsync(HttpContext context, string name, string? sessionId)
    {
        var request = context.Request;
        var method = request.Method;
        var ct = context.RequestAborted;
        // Kestrel caps bodies at 30 MB by default; a layer is streamed to the store whatever its size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        if (sessionId is null)
        {
            if (!HttpMethods.IsPost(method)) throw Unsupported(method, request.Path.Value ?? "");
            await StartUploadAsync(context, name, ct);
            return;
        }
        try
        {
            if (HttpMethods.IsPatch(method))
            {
                var session = await Writer.AppendAsync(name, sessionId, request.Body, request.ContentLength, ContentRangeStart(request), ct);
                SessionHeaders(context.Response, name, session.Id, session.Size);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
            else if (HttpMethods.IsPut(method))
            {
                var digest = await Writer.FinishUploadAsync(name, sessionId, Query(request, "digest"), request.Body, request.ContentLength,
                    ContentRangeStart(request), ct);
                BlobCreated(context.Response, name, digest);
            }
            else if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            {
                var session = await Writer.GetUploadAsync(name, sessionId, ct);
                SessionHeaders(context.Response, name, session.Id, session.Size);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            else if (HttpMethods.IsDelete(method))
            {
                await Writer.CancelUploadAsync(name, sessionId, ct);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            else throw Unsupported(method, request.Path.Value ?? "");
        }
        catch (UploadRangeException e)
        {
            // 416 with where the session really ends, so the client can resume from there
            SessionHeaders(context.Response, name, e.Session.Id, e.Session.Size);
            throw new RegistryException(RegistryErrorCode.RangeInvalid, e.Message);
        }
    }

    /// <summary>POST: a cross-repository mount, a monolithic upload (?digest= with the blob as body), or a new session.</summary>
    private async Task StartUploadAsync(HttpContext context, string name, CancellationToken ct)
    {
        var request = context.Request;
        if (Query(request, "mount") is { } mount && await Writer.TryMountAsync(name, mount, Query(request, "from"), ct) is { } mounted)
        {
            BlobCreated(context.Response, name, mounted);
            return;
        }
        if (Query(request, "mount") is null && Query(request, "digest") is { } digest)
        {
            BlobCreated(context.Response, name, await Writer.PutBlobAsync(name, digest, request.Body, request.ContentLength, ct));
            return;
        }
        var session = await Writer.StartUploadAsync(name, ct);
        SessionHeaders(context.Response, name, session.Id, 0);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task PutManifestAsync(HttpContext context, string name, string reference)
    {
        var request = context.Request;
        var bytes = await ReadManifestBodyAsync(request, context.RequestAborted);
        var pushed = await Writer.PutManifestAsync(name, reference, bytes, request.ContentType, ClientOf(context), context.RequestAborted);
        // this server's own readers see the new tag at once, not after --cache-ttl
        if (!reference.Contains(':', StringComparison.Ordinal)) reader.ForgetTag(name, reference);
        logger.LogDebug("manifest {Name}:{Reference} is {Digest}", name, reference, pushed.Digest);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{pushed.Digest}";
        response.Headers[DigestHeader] = pushed.Digest.ToString();
        if (pushed.Subject is { } subject) response.Headers[SubjectHeader] = subject.ToString();
        response.ContentLength = 0;
    }

    /// <summary>The body, refused past <see cref="OciJson.MaxDocumentBytes"/> without reading more than one byte beyond.</summary>
    private static async Task<byte[]> ReadManifestBodyAsync(HttpRequest request, CancellationToken ct)
    {
        const int max = OciJson.MaxDocumentBytes;
        if (request.ContentLength > max) throw TooLarge(request.ContentLength.Value);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > max) throw TooLarge(buffer.Length);
        }
        return buffer.ToArray();
    }

    private static RegistryException TooLarge(long size) =>
        new(RegistryErrorCode.ManifestInvalid, $"the manifest is over the {OciJson.MaxDocumentBytes}-byte limit ({size} bytes or more)");

    /// <summary>The first product of the User-Agent (docker/27.0.3, skopeo/1.9.3...), for the history entry.</summary>
    private static string ClientOf(HttpContext context)
    {
        var agent = context.Request.Headers.UserAgent.ToString();
        var product = agent.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var client = string.IsNullOrEmpty(product) ? "a client" : product.Length > 64 ? product[..64] : product;
        return $"{client} at {context.Connection.RemoteIpAddress}";
    }

    private static void SessionHeaders(HttpResponse response, string name, string id, long size)
    {
        response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        response.Headers[UploadUuidHeader] = id;
        response.Headers.Range = S3lo.Core.Serving.UploadSession.RangeOf(size);
        response.ContentLength = 0;
    }

    private static void BlobCreated(HttpResponse response, string name, Digest digest)
    {
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        response.Headers[DigestHeader] = digest.ToString();
        response.ContentLength = 0;
    }

    private static string? Query(HttpRequest request, string key) =>
        request.Query.TryGetValue(key, out var value) && value.ToString().Length > 0 ? value.ToString() : null;

    /// <summary>
    /// The first byte of a chunk's Content-Range: the spec's <c>START-END</c>, and the HTTP form
    /// <c>bytes START-END/TOTAL</c> some clients send; null when absent. Malformed is a 416, as out of order is.
    /// </summary>
    private static long? ContentRangeStart(HttpRequest request)
    {
        var header = request.Headers.ContentRange.ToString().Trim();
        if (header.Length == 0) return null;
        if (header.StartsWith("bytes", StringComparison.Ordinal)) header = header["bytes".Length..].TrimStart(' ', '=');
        var dash = header.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && long.TryParse(header.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return start;
        throw new RegistryException(RegistryErrorCode.RangeInvalid, $"Content-Range '{header}' is not START-END");
    }
}
