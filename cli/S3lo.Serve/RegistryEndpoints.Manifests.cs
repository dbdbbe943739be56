using Microsoft.AspNetCore.Http;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>Manifest reads by tag or digest, with the exact bytes, media type and digest stored.</summary>
internal sealed partial class RegistryEndpoints
{
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
}
