using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using S3lo.Core.Digests;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>The upload URL in use; it changes with every answer (state travels in its query) and on a restart.</summary>
    private sealed class UploadSession(Uri location)
    {
        public Uri Location { get; set; } = location;
    }

    /// <summary>
    /// Sends <paramref name="size"/> bytes of <paramref name="content"/> as PATCH chunks. A PATCH
    /// is never re-sent blindly: a connection cut mid-body may have left part of it stored, and a
    /// resend from the chunk's start would then be refused (416) or corrupt the upload. After a
    /// failure the registry is asked how much it holds (GET → <c>Range: 0-N</c>) and the upload
    /// continues from byte N+1 — from the chunk in memory, or by seeking the source when it can.
    /// When neither can supply those bytes, or the session is gone, a new session starts over
    /// from byte 0 if the source can give byte 0 again.
    /// </summary>
    private async Task UploadChunksAsync(string repository, UploadSession session, Digest digest, long size, Stream content,
        string what, string[] scopes, CancellationToken ct)
    {
        var origin = content.CanSeek ? content.Position : -1;
        var buffer = new byte[(int)Math.Min(size, Math.Max(1, _options.UploadChunkSize))];
        var failures = 0;
        for (long offset = 0; offset < size;)
        {
            var count = (int)Math.Min(buffer.Length, size - offset);
            await ReadFullyAsync(content, buffer, count, digest, offset, size, ct).ConfigureAwait(false);
            var start = offset;
            var sent = start; // the registry holds every byte before this one
            while (sent < start + count)
            {
                var failure = await PatchAsync(session, scopes, buffer, start, sent, count, what, failures, ct).ConfigureAwait(false);
                if (failure is null)
                {
                    failures = 0; // the budget is per stall, not per blob: a long upload may stall more than once
                    sent = start + count;
                    break;
                }
                failures++;
                await Task.Delay(ResumeDelay(failures), _options.Time, ct).ConfigureAwait(false);
                var held = await UploadedBytesAsync(session, scopes, ct).ConfigureAwait(false);
                if (held is { } h && h >= start && h <= start + count)
                {
                    _options.Logger.LogDebug("registry: PATCH of {What} at byte {Sent} failed ({Failure}); the registry holds {Held} bytes, resuming there",
                        what, sent, failure, h);
                    sent = h;
                    continue;
                }
                if (held is { } before && before < start && origin >= 0)
                {
                    _options.Logger.LogDebug("registry: PATCH of {What} failed ({Failure}); the registry holds {Held} bytes, re-reading the source from there",
                        what, failure, before);
                    content.Seek(origin + before, SeekOrigin.Begin);
                    sent = before;
                    break;
                }
                // The session is gone, or holds what s3lo cannot send again from memory: start over if byte 0 can be read again.
                if (start != 0 && origin < 0)
                    throw new S3loException($"upload of {what} broke at byte {sent} ({failure}) and {Registry} {(held is null ? "did not say how much it holds" : $"holds only {held} bytes")}; the source cannot be read again from there",
                        "run the command again: blobs already uploaded are skipped");
                _options.Logger.LogDebug("registry: PATCH of {What} failed ({Failure}) and the upload cannot resume; starting a new upload session", what, failure);
                var abandoned = session.Location;
                session.Location = await StartUploadAsync(repository, what, ct).ConfigureAwait(false);
                await CancelUploadAsync(abandoned, scopes).ConfigureAwait(false);
                if (start != 0) content.Seek(origin, SeekOrigin.Begin);
                sent = 0;
                if (start != 0) break;
            }
            offset = sent;
        }
    }

    /// <summary>One PATCH of the chunk's bytes from <paramref name="sent"/>. Null when accepted; else a short reason worth resuming after.</summary>
    private async Task<string?> PatchAsync(UploadSession session, string[] scopes, byte[] buffer, long start, long sent, int count,
        string what, int failures, CancellationToken ct)
    {
        var skip = (int)(sent - start);
        var canResume = failures < _options.MaxRetries;
        try
        {
            using var patch = await SendToAsync(HttpMethod.Patch, session.Location, scopes, request =>
            {
                // Retried here, after asking the registry what it holds, not by the retry handler.
                request.Options.Set(RegistryRequestOptions.NoRetry, true);
                request.Content = Octets(buffer, skip, count - skip);
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{sent}-{start + count - 1}");
            }, followRedirects: false, ct).ConfigureAwait(false);
            if (patch.StatusCode == HttpStatusCode.Accepted || patch.IsSuccessStatusCode)
            {
                session.Location = UploadLocation(patch) ?? session.Location;
                return null;
            }
            if (canResume && (patch.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable || RegistryRetryHandler.IsRetryableStatus(patch.StatusCode)))
                return $"HTTP {(int)patch.StatusCode}";
            throw await RegistryHttp.ErrorAsync(patch, $"upload of {what} at byte {sent}", Registry, ct).ConfigureAwait(false);
        }
        catch (S3loException e) when (canResume && e.InnerException is HttpRequestException cause && RegistryRetryHandler.IsTransient(cause) && !ct.IsCancellationRequested)
        {
            return RegistryRequestOptions.Describe(cause);
        }
    }

    /// <summary>How many bytes the upload session holds (<c>Range: 0-N</c> → N+1), or null when the registry does not say or the session is gone.</summary>
    private async Task<long?> UploadedBytesAsync(UploadSession session, string[] scopes, CancellationToken ct)
    {
        try
        {
            using var response = await SendToAsync(HttpMethod.Get, session.Location, scopes, null, followRedirects: false, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return null;
            session.Location = UploadLocation(response) ?? session.Location;
            return response.Headers.NonValidated.TryGetValues("Range", out var values) ? ParseHeld(values.FirstOrDefault()) : null;
        }
        catch (S3loException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary><c>0-N</c> (or <c>bytes=0-N</c>) → N+1. Distribution answers <c>0-0</c> for an empty upload too; read as 0, a 1-byte miss costs one 416.</summary>
    internal static long? ParseHeld(string? range)
    {
        if (range is null) return null;
        var text = range.Trim();
        if (text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) text = text[6..];
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || text[..dash] != "0") return null;
        if (!long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)) return null;
        return last == 0 ? 0 : last + 1;
    }

    private TimeSpan ResumeDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16))));
}
