using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using S3lo.Core.Bucket;
using S3lo.Core.Serving;
using S3lo.Core.Storage;

namespace S3lo.Serve;

/// <summary>
/// Blob reads. A GET is answered with a 307 to a presigned store URL when the store can make one (and
/// --no-redirect is not set), so the bytes go from the store to the client without passing through here.
/// A ranged GET is redirected too: clients resend their Range header to the new location, and S3, GCS
/// and Azure all answer it. HEAD, and every GET the store cannot presign, is answered here, streamed.
/// </summary>
internal sealed partial class RegistryEndpoints
{
    /// <summary>Set when the store said its credentials cannot sign: they will not learn to, so stop asking.</summary>
    private volatile bool _presignUnavailable;

    private async Task ServeBlobAsync(HttpContext context, string name, string digest, bool head)
    {
        var range = ParseRange(context.Request.Headers.Range.ToString());
        if (!head && await TryRedirectAsync(context, name, digest, range)) return;
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

    /// <summary>
    /// A 307 to a presigned URL of the blob, after checking that it exists (404 BLOB_UNKNOWN) and that a
    /// range lies inside it (416): a client is never sent to a missing object. False: stream it instead.
    /// </summary>
    private async Task<bool> TryRedirectAsync(HttpContext context, string name, string digest, (long First, long? Last)? range)
    {
        if (settings.NoRedirect || _presignUnavailable || reader.Bucket.Store is not IPresignedReads presigner) return false;
        var ct = context.RequestAborted;
        await using var blob = await reader.GetBlobAsync(name, digest, false, range?.First, range?.Last, ct);
        // two bytes the reader may answer from memory (the bucket need not hold them): no object to send anyone to
        if (blob.Digest == EmptyBlob.Digest) return false;
        Uri? url;
        try
        {
            url = await presigner.PresignReadAsync(BucketLayout.BlobKey(blob.Digest), settings.PresignTtl, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // e.g. Azure's user delegation key could not be fetched: this blob is streamed, the next one tries again
            Console.Error.WriteLine($"warning: GET {context.Request.Path}: no presigned URL ({e.Message}); streaming the blob");
            logger.LogDebug(e, "presigning {Digest} failed", blob.Digest);
            return false;
        }
        if (url is null)
        {
            _presignUnavailable = true;
            logger.LogDebug("{Store}: these credentials cannot presign URLs; blobs are streamed", reader.Bucket.Name);
            return false;
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        response.Headers.Location = url.AbsoluteUri;
        response.Headers[DigestHeader] = blob.Digest.ToString();
        response.ContentLength = 0;
        // the query is the signature: never logged
        logger.LogDebug("{Digest}: 307 to {Url}", blob.Digest, url.GetLeftPart(UriPartial.Path));
        return true;
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
