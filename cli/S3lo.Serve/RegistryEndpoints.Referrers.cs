using Microsoft.AspNetCore.Http;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>GET NAME/referrers/DIGEST (OCI 1.1): an image index of the manifests whose subject is DIGEST.</summary>
internal sealed partial class RegistryEndpoints
{
    private Task ServeReferrersAsync(HttpContext context, string name, string subject, bool head) =>
        throw new RegistryException(RegistryErrorCode.Unsupported, "referrers are not built yet");
}
