using Microsoft.AspNetCore.Http;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>The write half (--allow-push): blob upload sessions and manifest PUTs.</summary>
internal sealed partial class RegistryEndpoints
{
    /// <summary>POST NAME/blobs/uploads/ (<paramref name="sessionId"/> null), PATCH/PUT/GET/DELETE NAME/blobs/uploads/ID.</summary>
    private Task HandleUploadAsync(HttpContext context, string name, string? sessionId) =>
        throw new RegistryException(RegistryErrorCode.Unsupported, "blob uploads are not built yet");

    private Task PutManifestAsync(HttpContext context, string name, string reference) =>
        throw new RegistryException(RegistryErrorCode.Unsupported, "manifest PUT is not built yet");
}
