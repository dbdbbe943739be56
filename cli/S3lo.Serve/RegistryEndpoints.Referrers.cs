using Microsoft.AspNetCore.Http;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// GET NAME/referrers/DIGEST[?artifactType=T] (OCI 1.1): an image index of the manifests whose subject is
/// DIGEST, empty (not a 404) when there are none; with a filter, OCI-Filters-Applied says it was applied.
/// </summary>
internal sealed partial class RegistryEndpoints
{
    private const string FiltersAppliedHeader = "OCI-Filters-Applied";

    private async Task ServeReferrersAsync(HttpContext context, string name, string subject, bool head)
    {
        var artifactType = context.Request.Query.TryGetValue("artifactType", out var filter) && filter.ToString().Length > 0 ? filter.ToString() : null;
        var referrers = await reader.GetReferrersAsync(name, subject, artifactType, context.RequestAborted);
        var bytes = referrers.ToIndexBytes();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ReferrersList.MediaType;
        response.ContentLength = bytes.Length;
        if (referrers.Filtered) response.Headers[FiltersAppliedHeader] = "artifactType";
        if (!head) await response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
