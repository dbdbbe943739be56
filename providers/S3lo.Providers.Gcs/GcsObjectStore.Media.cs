using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

/// <summary>Reads: the media download, straight off the connection.</summary>
public sealed partial class GcsObjectStore
{
    /// <summary>
    /// GET of the object's media (alt=media) with the client's own authenticated HTTP pipeline; the
    /// response body is handed to the caller as it arrives. <paramref name="length"/> -1 reads to the end.
    /// </summary>
    private async Task<Stream> OpenMediaAsync(string key, long offset, long length, CancellationToken ct)
    {
        var uri = new Uri(_mediaPrefix + Uri.EscapeDataString(key) + "?alt=media");
        var ranged = length >= 0;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (ranged) request.Headers.Range = new RangeHeaderValue(offset, offset + length - 1);
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    var whole = response.StatusCode != HttpStatusCode.PartialContent;
                    var size = response.Content.Headers.ContentLength ?? -1;
                    // A server that ignored the Range header sent the whole object: skip to the range here.
                    var stream = !ranged ? new MediaDownloadStream(response, body, size, 0)
                        : whole ? new MediaDownloadStream(response, body, size < 0 ? length : Math.Min(length, Math.Max(0, size - offset)), offset)
                        : new MediaDownloadStream(response, body, size >= 0 ? size : length, 0);
                    response = null;
                    return stream;
                }
                var status = response.StatusCode;
                if (status == HttpStatusCode.NotFound)
                {
                    var message = await ErrorMessageAsync(response, ct).ConfigureAwait(false);
                    if (message.Contains("bucket", StringComparison.OrdinalIgnoreCase) && !message.Contains("object", StringComparison.OrdinalIgnoreCase))
                        throw GcsErrors.BucketMissing(_bucket);
                    throw new ObjectNotFoundException(DisplayName, key);
                }
                if (IsTransient(status) && attempt < MaxDownloadAttempts)
                {
                    response.Dispose();
                    response = null;
                    await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
                    continue;
                }
                throw StatusError(status, await ErrorMessageAsync(response, ct).ConfigureAwait(false), "reading " + key);
            }
            catch (HttpRequestException) when (attempt < MaxDownloadAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (Map(e, "reading " + key, ct) is { } mapped)
            {
                throw mapped;
            }
            finally
            {
                response?.Dispose();
            }
        }
    }

    private S3loException StatusError(HttpStatusCode status, string message, string action) => status switch
    {
        HttpStatusCode.Unauthorized => new S3loException($"{DisplayName}: the credentials were rejected while {action}: {message}", GcsErrors.CredentialsHint),
        HttpStatusCode.Forbidden => new S3loException($"{DisplayName}: permission denied while {action}: {message}",
            "grant the credentials access to the bucket (e.g. roles/storage.objectViewer), or use other credentials (GOOGLE_APPLICATION_CREDENTIALS)"),
        _ => new S3loException($"{DisplayName}: {action} failed: {(int)status} {message}"),
    };

    /// <summary>The message of a JSON API error body ({"error":{"message":...}}), or the body itself on one line.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return response.ReasonPhrase ?? response.StatusCode.ToString();
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
                return GcsErrors.OneLine(text);
        }
        catch (JsonException)
        {
            // Not JSON (emulators answer in plain text).
        }
        body = GcsErrors.OneLine(body);
        return body.Length == 0 ? response.ReasonPhrase ?? response.StatusCode.ToString() : body.Length > 300 ? body[..300] : body;
    }
}
