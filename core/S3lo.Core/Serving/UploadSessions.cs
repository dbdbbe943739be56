using System.Globalization;
using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// Blob upload sessions kept in the bucket, so a restarted server (or another replica) resumes them:
/// <c>s3lo-uploads/&lt;id&gt;/session.json</c> (<see cref="UploadSessionState"/>) and one object per chunk,
/// <c>s3lo-uploads/&lt;id&gt;/chunk-&lt;start offset, 20 digits&gt;</c>. The listing is the state: chunk names
/// sort by offset and their sizes say where the next one starts, so no state object is rewritten per chunk.
/// </summary>
public sealed class UploadSessions(ImageBucket bucket, TimeProvider clock)
{
    private const string StateName = "session.json";
    private const string ChunkPrefix = "chunk-";

    /// <summary>A body of unknown length is stored as chunks of at most this size, so temp disk stays bounded.</summary>
    public const long SpoolPieceBytes = 64L << 20;

    public static string SessionPrefix(string id) => BucketLayout.UploadsPrefix + id + "/";

    private static string StateKey(string id) => SessionPrefix(id) + StateName;

    private static string ChunkKey(string id, long offset) =>
        SessionPrefix(id) + ChunkPrefix + offset.ToString("D20", CultureInfo.InvariantCulture);

    public async Task<UploadSession> CreateAsync(string repository, CancellationToken ct)
    {
        var id = UploadSessionId.New();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new UploadSessionState { Repository = repository, StartedAt = clock.GetUtcNow() },
            UploadSessionJsonContext.Default.UploadSessionState);
        using var content = new MemoryStream(bytes, writable: false);
        await bucket.Store.PutAsync(StateKey(id), content, bytes.Length, PutOptions.Metadata with { Condition = WriteCondition.IfAbsent }, ct)
            .ConfigureAwait(false);
        return new UploadSession(id, repository, []);
    }

    /// <summary>The session as stored; BLOB_UPLOAD_UNKNOWN when the ID is malformed, unknown, or belongs to another repository.</summary>
    public async Task<UploadSession> OpenAsync(string repository, string id, CancellationToken ct)
    {
        if (!UploadSessionId.IsValid(id)) throw Unknown(id);
        var prefix = SessionPrefix(id);
        var chunks = new List<(long Offset, ObjectInfo Info)>();
        var hasState = false;
        await foreach (var info in bucket.Store.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            var name = info.Key[prefix.Length..];
            if (name == StateName) hasState = true;
            else if (name.StartsWith(ChunkPrefix, StringComparison.Ordinal)
                     && long.TryParse(name.AsSpan(ChunkPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                chunks.Add((offset, info));
        }
        if (!hasState || await ReadRepositoryAsync(id, ct).ConfigureAwait(false) != repository) throw Unknown(id);
        chunks.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        long expected = 0;
        foreach (var (offset, info) in chunks)
        {
            // Chunks are written only at the session's end (IfAbsent): a gap or overlap is damage, not a state.
            if (offset != expected)
                throw new RegistryException(RegistryErrorCode.BlobUploadInvalid,
                    $"upload {id} is damaged: a chunk starts at {offset}, expected {expected}; start the upload again");
            expected += info.Size;
        }
        return new UploadSession(id, repository, [.. chunks.Select(c => c.Info)]);
    }

    /// <summary>
    /// Appends <paramref name="body"/> at the session's end: streamed straight to the store when its length is
    /// known, else spooled in pieces of <see cref="SpoolPieceBytes"/>. Each piece is one chunk object, written
    /// only if absent, so two writers at one offset cannot both land.
    /// </summary>
    /// <returns>The session with the new chunks.</returns>
    public async Task<UploadSession> AppendAsync(UploadSession session, Stream body, long? length, CancellationToken ct)
    {
        var chunks = session.Chunks.ToList();
        var offset = session.Size;
        if (length is { } known)
        {
            if (known > 0) chunks.Add(await PutChunkAsync(session.Id, offset, body, known, ct).ConfigureAwait(false));
            return session with { Chunks = chunks };
        }
        while (true)
        {
            await using var piece = await SpooledBody.CopyAsync(body, SpoolPieceBytes, ct).ConfigureAwait(false);
            if (piece.Length > 0)
            {
                chunks.Add(await PutChunkAsync(session.Id, offset, piece.Content, piece.Length, ct).ConfigureAwait(false));
                offset += piece.Length;
            }
            if (piece.EndOfBody) return session with { Chunks = chunks };
        }
    }

    /// <summary>The session's bytes, chunk after chunk (<see cref="UploadSession.Size"/> of them).</summary>
    public Stream OpenContent(UploadSession session) => new ChunkSequenceStream(bucket.Store, session.Chunks);

    /// <summary>Removes the session's chunks, then its state (a session left with no chunks is still a valid, empty one).</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        if (!UploadSessionId.IsValid(id)) return;
        var prefix = SessionPrefix(id);
        var keys = new List<string>();
        await foreach (var info in bucket.Store.ListAsync(prefix, ct).ConfigureAwait(false))
            if (info.Key != StateKey(id)) keys.Add(info.Key);
        if (keys.Count > 0) await bucket.Store.DeleteManyAsync(keys, ct).ConfigureAwait(false);
        await bucket.Store.DeleteAsync(StateKey(id), ct).ConfigureAwait(false);
    }

    private async Task<ObjectInfo> PutChunkAsync(string id, long offset, Stream content, long length, CancellationToken ct)
    {
        var key = ChunkKey(id, offset);
        try
        {
            return await bucket.Store.PutAsync(key, content, length, PutOptions.Blob with { Condition = WriteCondition.IfAbsent }, ct).ConfigureAwait(false);
        }
        catch (PreconditionFailedException)
        {
            throw new RegistryException(RegistryErrorCode.RangeInvalid, $"upload {id} already has a chunk at offset {offset}: another request wrote it");
        }
    }

    private async Task<string?> ReadRepositoryAsync(string id, CancellationToken ct)
    {
        try
        {
            var bytes = await bucket.ReadAllAsync(StateKey(id), ct).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, UploadSessionJsonContext.Default.UploadSessionState)?.Repository;
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static RegistryException Unknown(string id) =>
        new(RegistryErrorCode.BlobUploadUnknown, $"upload {id} is unknown: it finished, was cancelled, or never started");
}
