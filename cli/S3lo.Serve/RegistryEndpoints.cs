using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// The OCI Distribution API over one bucket: this file routes a request to its handler (one partial
/// file per part of the API) and turns failures into OCI error bodies. Repository names contain
/// slashes, so the path is split on its last API segment, not by a routing table.
/// </summary>
internal sealed partial class RegistryEndpoints(RegistryReader reader, RegistryServerSettings settings, ILogger logger)
{
    private const string ApiVersionHeader = "Docker-Distribution-API-Version";
    private const string DigestHeader = "Docker-Content-Digest";
    private const string JsonType = "application/json";
    private const string ManifestsSegment = "/manifests/";
    private const string BlobsSegment = "/blobs/";
    private const string UploadsSegment = "/blobs/uploads/";
    private const string ReferrersSegment = "/referrers/";
    private const string TagsSuffix = "/tags/list";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers[ApiVersionHeader] = "registry/2.0";
        var path = request.Path.Value ?? "";
        var method = request.Method;
        var head = HttpMethods.IsHead(method);
        var read = head || HttpMethods.IsGet(method);
        logger.LogDebug("{Method} {Path}", method, path);
        try
        {
            if (path is "/v2" or "/v2/")
            {
                RequireMethod(read, method, path);
                await WriteJsonAsync(response, new EmptyBody(), ServeJsonContext.Relaxed.EmptyBody, head, context.RequestAborted);
                return;
            }
            if (!path.StartsWith("/v2/", StringComparison.Ordinal))
                throw new RegistryException(RegistryErrorCode.NameUnknown, $"{path} is not an OCI Distribution path");
            var rest = path["/v2/".Length..];
            if (rest == "_catalog")
            {
                RequireMethod(read, method, path);
                await ServeCatalogAsync(context, head);
            }
            else if (rest.EndsWith(TagsSuffix, StringComparison.Ordinal))
            {
                RequireMethod(read, method, path);
                await ServeTagsAsync(context, rest[..^TagsSuffix.Length], head);
            }
            else if (UploadSession(rest) is var (uploadName, sessionId))
            {
                RequireWrites(method);
                await HandleUploadAsync(context, uploadName, sessionId);
            }
            else if (Split(rest, ManifestsSegment) is var (manifestName, reference))
            {
                if (read) await ServeManifestAsync(context, manifestName, reference, head);
                else if (HttpMethods.IsPut(method))
                {
                    RequireWrites(method);
                    await PutManifestAsync(context, manifestName, reference);
                }
                else throw Unsupported(method, path);
            }
            else if (Split(rest, ReferrersSegment) is var (referrersName, subject))
            {
                RequireMethod(read, method, path);
                await ServeReferrersAsync(context, referrersName, subject, head);
            }
            else if (Split(rest, BlobsSegment) is var (blobName, digest))
            {
                RequireMethod(read, method, path);
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

    private static void RequireMethod(bool read, string method, string path)
    {
        if (!read) throw Unsupported(method, path);
    }

    private void RequireWrites(string method)
    {
        if (!settings.AllowPush)
            throw new RegistryException(RegistryErrorCode.Unsupported, $"{method} is not supported: this registry is read-only (start serve with --allow-push)");
    }

    private static RegistryException Unsupported(string method, string path) =>
        new(RegistryErrorCode.Unsupported, $"{method} {path} is not supported");

    /// <summary>
    /// NAME/blobs/uploads/ (a new session, Id null) or NAME/blobs/uploads/ID; the name may itself end
    /// in a segment called 'blobs', so the last occurrence counts.
    /// </summary>
    private static (string Name, string? Id)? UploadSession(string rest)
    {
        var at = rest.LastIndexOf(UploadsSegment, StringComparison.Ordinal);
        if (at <= 0) return rest.EndsWith("/blobs/uploads", StringComparison.Ordinal) && rest.Length > "/blobs/uploads".Length
            ? (rest[..^"/blobs/uploads".Length], null)
            : null;
        var id = rest[(at + UploadsSegment.Length)..];
        if (id.Contains('/', StringComparison.Ordinal)) return null;
        return (rest[..at], id.Length == 0 ? null : id);
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
        RegistryErrorCode.NameUnknown or RegistryErrorCode.ManifestUnknown or RegistryErrorCode.BlobUnknown
            or RegistryErrorCode.BlobUploadUnknown => StatusCodes.Status404NotFound,
        RegistryErrorCode.RangeInvalid => StatusCodes.Status416RangeNotSatisfiable,
        RegistryErrorCode.Unauthorized => StatusCodes.Status401Unauthorized,
        RegistryErrorCode.Denied => StatusCodes.Status403Forbidden,
        RegistryErrorCode.Unsupported => StatusCodes.Status405MethodNotAllowed,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string CodeText(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.NameInvalid => "NAME_INVALID",
        RegistryErrorCode.NameUnknown => "NAME_UNKNOWN",
        RegistryErrorCode.ManifestUnknown => "MANIFEST_UNKNOWN",
        RegistryErrorCode.ManifestInvalid => "MANIFEST_INVALID",
        RegistryErrorCode.ManifestBlobUnknown => "MANIFEST_BLOB_UNKNOWN",
        RegistryErrorCode.BlobUploadUnknown => "BLOB_UPLOAD_UNKNOWN",
        RegistryErrorCode.BlobUploadInvalid => "BLOB_UPLOAD_INVALID",
        RegistryErrorCode.SizeInvalid => "SIZE_INVALID",
        RegistryErrorCode.Unauthorized => "UNAUTHORIZED",
        RegistryErrorCode.Denied => "DENIED",
        RegistryErrorCode.BlobUnknown => "BLOB_UNKNOWN",
        RegistryErrorCode.DigestInvalid => "DIGEST_INVALID",
        RegistryErrorCode.TagInvalid => "TAG_INVALID",
        RegistryErrorCode.PaginationNumberInvalid => "PAGINATION_NUMBER_INVALID",
        RegistryErrorCode.RangeInvalid => "RANGE_INVALID",
        _ => "UNSUPPORTED",
    };
}
