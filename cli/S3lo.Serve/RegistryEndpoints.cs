using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// The OCI Distribution read API: <c>/v2/</c>, manifests, blobs, tags/list and _catalog, answered from
/// a <see cref="RegistryReader"/>. Blobs are streamed from the store, never held whole in memory.
/// </summary>
internal sealed class RegistryEndpoints(RegistryReader reader, ILogger logger)
{
    private const string ApiVersionHeader = "Docker-Distribution-API-Version";
    private const string DigestHeader = "Docker-Content-Digest";
    private const string JsonType = "application/json";
    private const string ManifestsSegment = "/manifests/";
    private const string BlobsSegment = "/blobs/";
    private const string TagsSuffix = "/tags/list";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers[ApiVersionHeader] = "registry/2.0";
        var path = request.Path.Value ?? "";
        var head = HttpMethods.IsHead(request.Method);
        logger.LogDebug("{Method} {Path}", request.Method, path);
        try
        {
            if (!head && !HttpMethods.IsGet(request.Method))
                throw new RegistryException(RegistryErrorCode.Unsupported, $"{request.Method} is not supported: this registry is read-only");
            if (path is "/v2" or "/v2/")
            {
                await WriteJsonAsync(response, new EmptyBody(), ServeJsonContext.Relaxed.EmptyBody, head, context.RequestAborted);
                return;
            }
            if (!path.StartsWith("/v2/", StringComparison.Ordinal))
                throw new RegistryException(RegistryErrorCode.NameUnknown, $"{path} is not an OCI Distribution path");
            var rest = path["/v2/".Length..];
            if (rest == "_catalog")
            {
                var (count, last) = Paging(request);
                var page = await reader.ListRepositoriesAsync(count, last, context.RequestAborted);
                AddNextLink(response, "/v2/_catalog", count, page.Next);
                await WriteJsonAsync(response, new Catalog(page.Names), ServeJsonContext.Relaxed.Catalog, head, context.RequestAborted);
            }
            else if (rest.EndsWith(TagsSuffix, StringComparison.Ordinal))
            {
                var name = rest[..^TagsSuffix.Length];
                var (count, last) = Paging(request);
                var page = await reader.ListTagsAsync(name, count, last, context.RequestAborted);
                AddNextLink(response, $"/v2/{name}/tags/list", count, page.Next);
                await WriteJsonAsync(response, new TagList(name, page.Names), ServeJsonContext.Relaxed.TagList, head, context.RequestAborted);
            }
            else if (Split(rest, ManifestsSegment) is var (manifestName, reference))
            {
                await ServeManifestAsync(context, manifestName, reference, head);
            }
            else if (Split(rest, BlobsSegment) is var (blobName, digest))
            {
                await ServeBlobAsync(context, blobName, digest, head);
            }
            else
            {
                throw new RegistryException(RegistryErrorCode.NameUnknown, $"{path} is not an OCI Distribution path");
            }
        }
        catch (RegistryException e)
        {
            logger.LogDebug("{Method} {Path}: {Code} {Message}", request.Method, path, e.Code, e.Message);
            if (!response.HasStarted) await WriteErrorAsync(response, e.Code, e.Message, head, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
        catch (Exception e)
        {
            // a store failure: the client gets a 500 with the reason, the operator one stderr line
            Console.Error.WriteLine($"error: {request.Method} {path}: {e.Message}");
            logger.LogDebug(e, "{Method} {Path} failed", request.Method, path);
            if (!response.HasStarted)
            {
                response.Clear();
                response.Headers[ApiVersionHeader] = "registry/2.0";
                await WriteErrorAsync(response, "UNKNOWN", e.Message, StatusCodes.Status500InternalServerError, head, context.RequestAborted);
            }
            else context.Abort();
        }
    }

    private async Task ServeManifestAsync(HttpContext context, string name, string reference, bool head)
    {
        var manifest = await reader.GetManifestAsync(name, reference, context.RequestAborted);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Bytes.LongLength;
        response.Headers[DigestHeader] = manifest.Digest.ToString();
        response.Headers.ETag = $"\"{manifest.Digest}\"";
        if (!head) await response.Body.WriteAsync(manifest.Bytes, context.RequestAborted);
    }

    private async Task ServeBlobAsync(HttpContext context, string name, string digest, bool head)
    {
        var range = ParseRange(context.Request.Headers.Range.ToString());
        await using var blob = await reader.GetBlobAsync(name, digest, !head, range?.First, range?.Last, context.RequestAborted);
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers[DigestHeader] = blob.Digest.ToString();
        response.Headers.ETag = $"\"{blob.Digest}\"";
        response.Headers.AcceptRanges = "bytes";
        response.ContentLength = blob.Length;
        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {blob.Offset}-{blob.Offset + blob.Length - 1}/{blob.Size}";
        }
        else response.StatusCode = StatusCodes.Status200OK;
        if (blob.Content is { } content) await content.CopyToAsync(response.Body, 81920, context.RequestAborted);
    }

    /// <summary>A single <c>bytes=a-b</c> or <c>bytes=a-</c>; anything else (several ranges, suffixes) is ignored, as HTTP allows.</summary>
    private static (long First, long? Last)? ParseRange(string header)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal)) return null;
        var spec = header["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || spec.Contains(',', StringComparison.Ordinal)) return null;
        if (!long.TryParse(spec.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)) return null;
        var end = spec[(dash + 1)..];
        if (end.Length == 0) return (first, null);
        if (!long.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last < first) return null;
        return (first, last);
    }

    /// <summary>NAME + segment + REFERENCE, the reference one path segment (names may contain slashes).</summary>
    private static (string Name, string Reference)? Split(string rest, string segment)
    {
        var at = rest.LastIndexOf(segment, StringComparison.Ordinal);
        if (at <= 0) return null;
        var reference = rest[(at + segment.Length)..];
        if (reference.Length == 0 || reference.Contains('/', StringComparison.Ordinal)) return null;
        return (rest[..at], reference);
    }

    private static (int? Count, string? Last) Paging(HttpRequest request)
    {
        int? count = null;
        if (request.Query.TryGetValue("n", out var n))
        {
            if (!int.TryParse(n.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                throw new RegistryException(RegistryErrorCode.PaginationNumberInvalid, $"n={n} is not a non-negative number");
            count = parsed;
        }
        var last = request.Query.TryGetValue("last", out var l) && l.ToString().Length > 0 ? l.ToString() : null;
        return (count, last);
    }

    private static void AddNextLink(HttpResponse response, string path, int? count, string? next)
    {
        if (next is null) return;
        response.Headers.Link = $"<{path}?n={count}&last={Uri.EscapeDataString(next)}>; rel=\"next\"";
    }

    private static Task WriteErrorAsync(HttpResponse response, RegistryErrorCode code, string message, bool head, CancellationToken ct) =>
        WriteErrorAsync(response, CodeText(code), message, StatusOf(code), head, ct);

    private static Task WriteErrorAsync(HttpResponse response, string code, string message, int status, bool head, CancellationToken ct)
    {
        response.StatusCode = status;
        return WriteJsonAsync(response, new RegistryErrorBody([new RegistryErrorItem(code, message)]), ServeJsonContext.Relaxed.RegistryErrorBody, head, ct);
    }

    private static async Task WriteJsonAsync<T>(HttpResponse response, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, bool head, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, type);
        response.ContentType = JsonType;
        response.ContentLength = bytes.Length;
        if (!head) await response.Body.WriteAsync(bytes, ct);
    }

    private static int StatusOf(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.NameUnknown or RegistryErrorCode.ManifestUnknown or RegistryErrorCode.BlobUnknown => StatusCodes.Status404NotFound,
        RegistryErrorCode.RangeInvalid => StatusCodes.Status416RangeNotSatisfiable,
        RegistryErrorCode.Unsupported => StatusCodes.Status405MethodNotAllowed,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string CodeText(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.NameInvalid => "NAME_INVALID",
        RegistryErrorCode.NameUnknown => "NAME_UNKNOWN",
        RegistryErrorCode.ManifestUnknown => "MANIFEST_UNKNOWN",
        RegistryErrorCode.ManifestInvalid => "MANIFEST_INVALID",
        RegistryErrorCode.BlobUnknown => "BLOB_UNKNOWN",
        RegistryErrorCode.DigestInvalid => "DIGEST_INVALID",
        RegistryErrorCode.TagInvalid => "TAG_INVALID",
        RegistryErrorCode.PaginationNumberInvalid => "PAGINATION_NUMBER_INVALID",
        RegistryErrorCode.RangeInvalid => "RANGE_INVALID",
        _ => "UNSUPPORTED",
    };
}
