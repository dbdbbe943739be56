using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Streams;

namespace S3lo.Core.Registry;

public sealed partial class RegistryClient
{
    /// <summary>The blob's size when the registry has it (-1 when it does not say), null when it does not.</summary>
    /// <param name="forPush">Ask for a pull,push token up front (a destination), so one token serves the whole push.</param>
    public async Task<long?> HeadBlobAsync(string repository, Digest digest, CancellationToken ct, bool forPush = false)
    {
        CheckRepository(repository);
        using var response = await SendAsync(HttpMethod.Head, $"v2/{repository}/blobs/{digest}", [Access(repository, forPush)],
            null, followRedirects: true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryHttp.ErrorAsync(response, $"HEAD blob {Registry}/{repository}@{digest}", Registry, ct).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>
    /// Streams a blob. Redirects (to blob storage, a CDN) are followed without the registry's
    /// credentials. The bytes are not verified here: the caller wraps the stream in a
    /// <see cref="VerifyingReadStream"/> (the transfer engine does).
    /// A connection cut mid-blob is resumed with a Range request from the first byte not yet read.
    /// </summary>
    public async Task<Stream> OpenBlobAsync(string repository, Digest digest, CancellationToken ct)
    {
        var (first, length) = await OpenBlobAtAsync(repository, digest, 0, ct).ConfigureAwait(false);
        return new ResumingReadStream(first, length,
            async (offset, token) => (await OpenBlobAtAsync(repository, digest, offset, token).ConfigureAwait(false)).Body,
            $"{Registry}/{repository}@{digest}", message => _options.Logger.LogDebug("registry: {Message}", message));
    }

    /// <summary>The blob from <paramref name="offset"/> on, and its whole length (-1 when not told).</summary>
    private async Task<(Stream Body, long Length)> OpenBlobAtAsync(string repository, Digest digest, long offset, CancellationToken ct)
    {
        CheckRepository(repository);
        var response = await SendAsync(HttpMethod.Get, $"v2/{repository}/blobs/{digest}", [RegistryRequestOptions.Pull(repository)],
            offset == 0 ? null : request => request.Headers.Range = new RangeHeaderValue(offset, null), followRedirects: true, ct).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new NotFoundException($"blob {digest} not found in {Registry}/{repository}");
            if (!response.IsSuccessStatusCode)
                throw await RegistryHttp.ErrorAsync(response, $"GET blob {Registry}/{repository}@{digest}", Registry, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var length = response.Content.Headers.ContentLength ?? -1;
            if (offset == 0) return (body, length);
            if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == offset) return (body, -1);
            // The server ignored the Range: skip what was already read.
            _options.Logger.LogDebug("registry: {Registry} ignored a Range request; skipping {Offset} bytes", Registry, offset);
            await SkipAsync(body, offset, ct).ConfigureAwait(false);
            return (body, -1);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task SkipAsync(Stream body, long count, CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct).ConfigureAwait(false);
            if (n == 0) throw new IOException("the blob ended before the resume point");
            count -= n;
        }
    }

    /// <summary>
    /// Asks the registry to link a blob from another repository on it (<c>POST …/blobs/uploads/?mount=&amp;from=</c>).
    /// True when it did; false when it started an upload session instead (kept for the next
    /// <see cref="UploadBlobAsync"/> of this blob) or refused.
    /// </summary>
    public async Task<bool> TryMountBlobAsync(string repository, Digest digest, string fromRepository, CancellationToken ct)
    {
        CheckRepository(repository);
        CheckRepository(fromRepository);
        var query = $"?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(fromRepository)}";
        using var response = await SendAsync(HttpMethod.Post, $"v2/{repository}/blobs/uploads/{query}",
            [RegistryRequestOptions.PullPush(repository), RegistryRequestOptions.Pull(fromRepository)],
            request => request.Content = new ByteArrayContent([]), followRedirects: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            _options.Logger.LogDebug("registry: mounted {Digest} from {From} into {Repository}", digest, fromRepository, repository);
            return true;
        }
        if (response.StatusCode == HttpStatusCode.Accepted && UploadLocation(response) is { } session)
            _pendingUploads[UploadKey(repository, digest)] = session;
        else if (!response.IsSuccessStatusCode)
            throw await RegistryHttp.ErrorAsync(response, $"mount blob {digest} into {Registry}/{repository}", Registry, ct).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Uploads a blob of <paramref name="size"/> bytes read once from <paramref name="content"/>:
    /// one PUT up to <see cref="RegistryClientOptions.MonolithicUploadLimit"/>, else PATCH chunks of
    /// <see cref="RegistryClientOptions.UploadChunkSize"/>. The closing <c>PUT ?digest=</c> is sent
    /// only after the stream was read to its end without error (a verifying stream checks its
    /// digest on that read), so wrong or short content never completes an upload. Every request
    /// body is in memory, so retries can send it again; a broken PATCH resumes at the offset the
    /// registry reports. A failed upload is cancelled.
    /// </summary>
    public async Task UploadBlobAsync(string repository, Digest digest, long size, Stream content, CancellationToken ct)
    {
        CheckRepository(repository);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var scopes = new[] { RegistryRequestOptions.PullPush(repository) };
        var what = $"blob {digest} to {Registry}/{repository}";
        var location = _pendingUploads.TryRemove(UploadKey(repository, digest), out var pending)
            ? pending
            : await StartUploadAsync(repository, what, ct).ConfigureAwait(false);
        try
        {
            HttpResponseMessage final;
            if (size <= _options.MonolithicUploadLimit)
            {
                var buffer = new byte[size];
                await ReadFullyAsync(content, buffer, (int)size, digest, 0, size, ct).ConfigureAwait(false);
                await EnsureEndAsync(content, digest, size, ct).ConfigureAwait(false);
                final = await SendToAsync(HttpMethod.Put, RegistryHttp.WithQuery(location, "digest", digest.ToString()), scopes,
                    request => Commit(request, Octets(buffer, buffer.Length)), followRedirects: false, ct).ConfigureAwait(false);
            }
            else
            {
                var session = new UploadSession(location);
                try
                {
                    await UploadChunksAsync(repository, session, digest, size, content, what, scopes, ct).ConfigureAwait(false);
                }
                finally
                {
                    location = session.Location;
                }
                await EnsureEndAsync(content, digest, size, ct).ConfigureAwait(false);
                final = await SendToAsync(HttpMethod.Put, RegistryHttp.WithQuery(location, "digest", digest.ToString()), scopes,
                    request => Commit(request, Octets([], 0)), followRedirects: false, ct).ConfigureAwait(false);
            }
            using (final)
            {
                if (!final.IsSuccessStatusCode)
                    throw await RegistryHttp.ErrorAsync(final, $"upload of {what}", Registry, ct).ConfigureAwait(false);
                if (RegistryHttp.ContentDigest(final) is { } stored && stored != digest)
                    throw new DigestMismatchException($"{what} (Docker-Content-Digest)", digest.ToString(), stored.ToString());
            }
        }
        catch
        {
            await CancelUploadAsync(location, scopes).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The closing PUT: a registry may hash or move a multi-GB blob before it answers, silent all the
    /// while, so only the answer's body is idle-watched (a re-sent commit would find the session gone).
    /// </summary>
    private static void Commit(HttpRequestMessage request, HttpContent content)
    {
        request.Content = content;
        request.Options.Set(Net.IdleTimeoutHandler.AnswerOnly, true);
    }

    private async Task<Uri> StartUploadAsync(string repository, string what, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v2/{repository}/blobs/uploads/", [RegistryRequestOptions.PullPush(repository)],
            request => request.Content = new ByteArrayContent([]), followRedirects: false, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await RegistryHttp.ErrorAsync(response, $"start upload of {what}", Registry, ct).ConfigureAwait(false);
        return UploadLocation(response) ?? throw new S3loException($"{Registry} started an upload of {what} without a Location header");
    }

    private static Uri? UploadLocation(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null || response.RequestMessage?.RequestUri is not { } requestUri) return null;
        var uri = new Uri(requestUri, location);
        return uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp ? uri : null;
    }

    private async Task CancelUploadAsync(Uri location, string[] scopes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await SendToAsync(HttpMethod.Delete, location, scopes, request => request.Options.Set(RegistryRequestOptions.NoRetry, true),
                followRedirects: false, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is S3loException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Best effort: registries expire abandoned uploads on their own.
        }
    }

    private static ByteArrayContent Octets(byte[] buffer, int count) => Octets(buffer, 0, count);

    private static ByteArrayContent Octets(byte[] buffer, int offset, int count)
    {
        var content = new ByteArrayContent(buffer, offset, count);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static async Task ReadFullyAsync(Stream content, byte[] buffer, int count, Digest digest, long offset, long size, CancellationToken ct)
    {
        var read = 0;
        while (read < count)
        {
            var n = await content.ReadAsync(buffer.AsMemory(read, count - read), ct).ConfigureAwait(false);
            if (n == 0) throw new S3loException($"blob {digest} ended after {offset + read} of its {size} bytes");
            read += n;
        }
    }

    /// <summary>The read that must come back empty: only then is the content known complete (and verified).</summary>
    private static async Task EnsureEndAsync(Stream content, Digest digest, long size, CancellationToken ct)
    {
        var probe = new byte[1];
        if (await content.ReadAsync(probe, ct).ConfigureAwait(false) != 0)
            throw new S3loException($"blob {digest} is longer than the {size} bytes its descriptor says");
    }

    private static string Access(string repository, bool forPush) =>
        forPush ? RegistryRequestOptions.PullPush(repository) : RegistryRequestOptions.Pull(repository);

    private static string UploadKey(string repository, Digest digest) => repository + "@" + digest;
}
