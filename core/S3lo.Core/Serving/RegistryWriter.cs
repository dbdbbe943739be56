using S3lo.Core.Bucket;
using S3lo.Core.Digests;

namespace S3lo.Core.Serving;

/// <summary>
/// The storage side of the OCI Distribution write API (serve --allow-push). Blob uploads are sessions in the
/// bucket (<see cref="UploadSessions"/>); a blob lands at its key only through a stream that verifies its
/// digest, so a wrong upload leaves nothing there. Manifests: see the other part of this class. Names,
/// session IDs and digests are validated before the store is asked anything.
/// </summary>
/// <param name="notice">One line for the operator (waiting for a clean), at most once per push.</param>
public sealed partial class RegistryWriter(ImageBucket bucket, TimeProvider clock, Action<string>? notice = null)
{
    private readonly UploadSessions _sessions = new(bucket, clock);

    /// <summary>POST NAME/blobs/uploads/: a new, empty session.</summary>
    public async Task<UploadSession> StartUploadAsync(string name, CancellationToken ct)
    {
        CheckName(name);
        return await _sessions.CreateAsync(name, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// POST ?mount=DIGEST&amp;from=REPO: blobs are shared by every repository of the bucket, so a blob that is
    /// here is mounted whatever <paramref name="from"/> says; null when it is not (the caller starts a session).
    /// </summary>
    public async Task<Digest?> TryMountAsync(string name, string digestText, string? from, CancellationToken ct)
    {
        CheckName(name);
        if (from is not null) CheckName(from);
        var digest = ParseDigest(digestText);
        return await bucket.HeadBlobAsync(digest, ct).ConfigureAwait(false) is not null ? digest : null;
    }

    /// <summary>POST ?digest= with the whole blob as body (monolithic upload): no session at all.</summary>
    /// <param name="length">The body's Content-Length; null for chunked transfer encoding.</param>
    public async Task<Digest> PutBlobAsync(string name, string? digestText, Stream body, long? length, CancellationToken ct)
    {
        CheckName(name);
        var digest = ParseDigest(digestText);
        await StoreBodyAsync(digest, body, length, ct).ConfigureAwait(false);
        return digest;
    }

    /// <summary>GET NAME/blobs/uploads/ID: the session, for its Range.</summary>
    public Task<UploadSession> GetUploadAsync(string name, string id, CancellationToken ct)
    {
        CheckName(name);
        return _sessions.OpenAsync(name, id, ct);
    }

    /// <summary>PATCH: one more chunk at the session's end; <paramref name="start"/> is Content-Range's first byte, if sent.</summary>
    public async Task<UploadSession> AppendAsync(string name, string id, Stream body, long? length, long? start, CancellationToken ct)
    {
        CheckName(name);
        var session = await _sessions.OpenAsync(name, id, ct).ConfigureAwait(false);
        if (start is { } first && first != session.Size) throw new UploadRangeException(session, first);
        return await _sessions.AppendAsync(session, body, length, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// PUT ?digest=: the optional last chunk, then the whole upload streamed through a digest check into the
    /// blob's key; the session is deleted either way once the digest is known to match or not.
    /// </summary>
    public async Task<Digest> FinishUploadAsync(string name, string id, string? digestText, Stream body, long? length, long? start, CancellationToken ct)
    {
        CheckName(name);
        var session = await _sessions.OpenAsync(name, id, ct).ConfigureAwait(false);
        var digest = ParseDigest(digestText);
        if (start is { } first && first != session.Size) throw new UploadRangeException(session, first);
        try
        {
            if (session.Chunks.Count == 0)
            {
                // Everything is in this request (POST then PUT with the blob): it goes to its key directly.
                await StoreBodyAsync(digest, body, length, ct).ConfigureAwait(false);
            }
            else
            {
                session = await _sessions.AppendAsync(session, body, length, ct).ConfigureAwait(false);
                await using var content = _sessions.OpenContent(session);
                await StoreBlobAsync(digest, content, session.Size, ct).ConfigureAwait(false);
            }
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.DigestInvalid)
        {
            await _sessions.DeleteAsync(id, ct).ConfigureAwait(false);
            throw;
        }
        await _sessions.DeleteAsync(id, ct).ConfigureAwait(false);
        return digest;
    }

    /// <summary>DELETE NAME/blobs/uploads/ID: the session and its chunks go.</summary>
    public async Task CancelUploadAsync(string name, string id, CancellationToken ct)
    {
        CheckName(name);
        await _sessions.OpenAsync(name, id, ct).ConfigureAwait(false);
        await _sessions.DeleteAsync(id, ct).ConfigureAwait(false);
    }

    private async Task StoreBodyAsync(Digest digest, Stream body, long? length, CancellationToken ct)
    {
        if (length is { } size)
        {
            await StoreBlobAsync(digest, body, size, ct).ConfigureAwait(false);
            return;
        }
        await using var spooled = await SpooledBody.CopyAsync(body, null, ct).ConfigureAwait(false);
        await StoreBlobAsync(digest, spooled.Content, spooled.Length, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the blob through <see cref="VerifyingReadStream"/>: the store sees the end of the stream only when
    /// the digest matched, and a failed stream leaves nothing at the key. A blob already here is not written
    /// again, but the upload must still hash to the digest the client named.
    /// </summary>
    private async Task StoreBlobAsync(Digest digest, Stream content, long size, CancellationToken ct)
    {
        try
        {
            if (await bucket.HasBlobAsync(digest, size, ct).ConfigureAwait(false))
            {
                var actual = await Digest.ComputeAsync(content, ct).ConfigureAwait(false);
                if (actual != digest) throw Mismatch(digest, actual.ToString());
                return;
            }
            await using var verified = new VerifyingReadStream(content, digest, size, $"blob {digest}", leaveOpen: true);
            await bucket.PutBlobAsync(digest, verified, size, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (FindMismatch(e) is { } mismatch)
        {
            throw Mismatch(digest, mismatch.Actual);
        }
    }

    private static Errors.DigestMismatchException? FindMismatch(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Errors.DigestMismatchException mismatch) return mismatch;
            if (e is AggregateException { InnerExceptions: var inner }) return inner.Select(FindMismatch).FirstOrDefault(m => m is not null);
        }
        return null;
    }

    private static RegistryException Mismatch(Digest expected, string actual) =>
        new(RegistryErrorCode.DigestInvalid, $"the uploaded content is {actual}, not {expected}; nothing was stored");

    private static void CheckName(string name)
    {
        if (!RegistryNames.IsValidName(name))
            throw new RegistryException(RegistryErrorCode.NameInvalid, $"'{name}' is not a valid repository name");
    }

    private static Digest ParseDigest(string? text) =>
        text is null
            ? throw new RegistryException(RegistryErrorCode.DigestInvalid, "the digest query parameter is missing")
            : Digest.TryParse(text, out var digest)
                ? digest
                : throw new RegistryException(RegistryErrorCode.DigestInvalid, $"'{text}' is not a digest: expected sha256:<64 lowercase hex digits>");
}
