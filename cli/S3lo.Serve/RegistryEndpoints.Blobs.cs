using System.Globalization;
using Microsoft.AspNetCore.Http;
using S3lo.Core.Serving;

namespace S3lo.Serve;

/// <summary>Blob reads: the whole blob or one range, streamed from the store.</summary>
internal sealed partial class RegistryEndpoints
{
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
}
