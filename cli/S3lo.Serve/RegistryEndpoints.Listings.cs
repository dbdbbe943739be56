using System.Globalization;
using Microsoft.AspNetCore.Http;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>
/// tags/list (one listing of the repository's own prefix) and _catalog (the repository list, cached for the
/// cache TTL), paged with n and last and a Link header to the next page.
/// </summary>
internal sealed partial class RegistryEndpoints
{
    private async Task ServeCatalogAsync(HttpContext context, bool head)
    {
        var (count, last) = Paging(context.Request);
        var page = await reader.ListRepositoriesAsync(count, last, context.RequestAborted);
        AddNextLink(context.Response, "/v2/_catalog", count, page.Next);
        await WriteJsonAsync(context.Response, new Catalog(page.Names), ServeJsonContext.Relaxed.Catalog, head, context.RequestAborted);
    }

    private async Task ServeTagsAsync(HttpContext context, string name, bool head)
    {
        var (count, last) = Paging(context.Request);
        var page = await reader.ListTagsAsync(name, count, last, context.RequestAborted);
        AddNextLink(context.Response, $"/v2/{name}/tags/list", count, page.Next);
        await WriteJsonAsync(context.Response, new TagList(name, page.Names), ServeJsonContext.Relaxed.TagList, head, context.RequestAborted);
    }

    private static (int? Count, string? Last) Paging(HttpRequest request)
    {
        int? count = null;
        if (request.Query.TryGetValue("n", out var n))
        {
            if (!long.TryParse(n.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                throw new RegistryException(RegistryErrorCode.PaginationNumberInvalid, $"n={n} is not a non-negative number");
            // n=0 asks for an empty page; more than any list holds is the whole list
            count = (int)Math.Min(parsed, int.MaxValue);
        }
        var last = request.Query.TryGetValue("last", out var l) && l.ToString().Length > 0 ? l.ToString() : null;
        return (count, last);
    }

    private static void AddNextLink(HttpResponse response, string path, int? count, string? next)
    {
        if (next is null) return;
        response.Headers.Link = $"<{path}?n={count}&last={Uri.EscapeDataString(next)}>; rel=\"next\"";
    }
}
