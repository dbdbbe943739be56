using System.Runtime.CompilerServices;
using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;
using S3lo.Core.Streams;
using S3lo.Core.Transfer;

namespace S3lo.Core.Bucket;

/// <summary>
/// The registry view of a bucket: blobs, tags, history and the diff-ID index, laid out as
/// <see cref="BucketLayout"/> says, over any <see cref="IObjectStore"/>.
/// </summary>
public sealed class ImageBucket(IObjectStore store) : IAsyncDisposable
{
    private const int MaxHistoryEntries = 1000;
    /// <summary>history.json stays under this; 1000 ordinary entries take about a tenth of it.</summary>
    internal const int MaxHistoryBytes = 1 << 20;
    // Byte-for-byte what s3lo v1 writes.
    private static readonly byte[] OciLayoutBytes = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    private const int DownloadRangeSize = 8 << 20;
    private const int DownloadParallelism = 4;

    public IObjectStore Store { get; } = store;

    /// <summary>Blobs above this many bytes download as parallel ranges (S3LO_PARALLEL_DOWNLOAD_MB, default 64).</summary>
    public static long ParallelDownloadThreshold { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("S3LO_PARALLEL_DOWNLOAD_MB"), out var mb) && mb > 0 ? mb << 20 : 64L << 20;
    public string Name => Store.DisplayName;

    public Task<ObjectInfo?> HeadBlobAsync(Digest digest, CancellationToken ct) =>
        Store.HeadAsync(BucketLayout.BlobKey(digest), ct);

    public async Task<bool> HasBlobAsync(Digest digest, long expectedSize, CancellationToken ct)
    {
        var info = await HeadBlobAsync(digest, ct).ConfigureAwait(false);
        // A blob of the wrong size is corrupt (or a leftover): treat it as absent so it is rewritten.
        return info is not null && (expectedSize < 0 || info.Size == expectedSize);
    }

    public async Task<Stream> OpenBlobAsync(Digest digest, CancellationToken ct) => await OpenBlobAsync(digest, -1, ct).ConfigureAwait(false);

    /// <summary>
    /// Opens a blob; a large one (<paramref name="size"/> known, above <see cref="ParallelDownloadThreshold"/>)
    /// in a remote store comes as ranges fetched in parallel. A remote read cut midway resumes where it stopped.
    /// </summary>
    public Task<Stream> OpenBlobAsync(Digest digest, long size, CancellationToken ct) =>
        OpenBlobAsync(digest, size, size > ParallelDownloadThreshold, ct);

    /// <summary>
    /// Opens a blob as one sequential read (resumed where a cut stopped), whatever its size: for a server
    /// sending many blobs at once, where the parallel ranges' read-ahead buffers would multiply by the
    /// number of clients.
    /// </summary>
    public Task<Stream> OpenBlobSequentiallyAsync(Digest digest, long size, CancellationToken ct) =>
        OpenBlobAsync(digest, size, parallelRanges: false, ct);

    private async Task<Stream> OpenBlobAsync(Digest digest, long size, bool parallelRanges, CancellationToken ct)
    {
        var key = BucketLayout.BlobKey(digest);
        try
        {
            if (parallelRanges && Store is not ILocalFileStore)
            {
                if (await Store.HeadAsync(key, ct).ConfigureAwait(false) is null) throw new ObjectNotFoundException(Name, key);
                return new ParallelRangeReadStream(Store, key, size, DownloadRangeSize, DownloadParallelism, ct);
            }
            var first = await Store.OpenReadAsync(key, ct).ConfigureAwait(false);
            if (Store is ILocalFileStore) return first;
            return new ResumingReadStream(first, size, async (offset, token) =>
            {
                var length = size >= 0 ? size : (await Store.HeadAsync(key, token).ConfigureAwait(false))?.Size ?? throw new ObjectNotFoundException(Name, key);
                return await Store.OpenReadRangeAsync(key, offset, length - offset, token).ConfigureAwait(false);
            }, $"{Name}/{key}");
        }
        catch (ObjectNotFoundException)
        {
            throw new NotFoundException($"blob {digest} is missing from {Name}", "push or copy the image again to restore the blob");
        }
    }

    /// <summary>
    /// Stores a blob whose stream verifies itself. Unconditional on purpose: callers skip blobs that
    /// are present (<see cref="HasBlobAsync"/>), so a write here means absent or damaged, and two
    /// writers of one digest write the same bytes.
    /// </summary>
    public async Task PutBlobAsync(Digest digest, Stream verifiedContent, long size, CancellationToken ct)
    {
        var options = PutOptions.Blob with { ContentType = "application/octet-stream" };
        await Store.PutAsync(BucketLayout.BlobKey(digest), verifiedContent, size, options, ct).ConfigureAwait(false);
    }

    public async Task<TagRecord?> ReadTagAsync(string repository, string tag, CancellationToken ct)
    {
        var key = BucketLayout.ManifestKey(repository, tag);
        var info = await Store.HeadAsync(key, ct).ConfigureAwait(false);
        if (info is null) return null;
        if (info.Size > OciJson.MaxDocumentBytes)
            throw new S3loException($"{Name}/{key} is {info.Size} bytes, over the {OciJson.MaxDocumentBytes}-byte manifest limit");
        byte[] bytes;
        try
        {
            bytes = await ReadAllAsync(key, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        return new TagRecord(repository, tag, ManifestBlob.Parse(bytes, $"manifest of {repository}:{tag}"), info.ETag);
    }

    /// <summary>
    /// The commit point of a push: writes manifest.json under <paramref name="condition"/> (so a
    /// concurrent push to the same tag is detected), then the oci-layout marker.
    /// </summary>
    public async Task WriteTagAsync(string repository, string tag, ManifestBlob manifest, WriteCondition condition, CancellationToken ct)
    {
        using (var content = new MemoryStream(manifest.Bytes, writable: false))
        {
            var options = PutOptions.Metadata with { Condition = condition, ContentType = manifest.MediaType };
            await Store.PutAsync(BucketLayout.ManifestKey(repository, tag), content, manifest.Size, options, ct).ConfigureAwait(false);
        }
        var layout = OciLayoutBytes;
        using var layoutContent = new MemoryStream(layout, writable: false);
        await Store.PutAsync(BucketLayout.OciLayoutKey(repository, tag), layoutContent, layout.Length, PutOptions.Metadata, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The tag's pushes, newest first. A history over <see cref="MaxHistoryBytes"/> (written by
    /// another tool, or damaged) yields the complete entries at its start: the newest ones.
    /// </summary>
    public async Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(string repository, string tag, CancellationToken ct)
    {
        try
        {
            var (bytes, whole) = await ReadPrefixAsync(BucketLayout.HistoryKey(repository, tag), MaxHistoryBytes, ct).ConfigureAwait(false);
            if (!whole) return HistoryPrefix.Parse(bytes);
            return JsonSerializer.Deserialize(bytes, BucketJsonContext.Compact.ListHistoryEntry) ?? [];
        }
        catch (ObjectNotFoundException)
        {
            return [];
        }
        catch (JsonException)
        {
            // A damaged history must not block a push.
            return [];
        }
    }

    /// <summary>
    /// Adds a push at the head of the history, rotating it: at most <see cref="MaxHistoryEntries"/>
    /// entries and <see cref="MaxHistoryBytes"/> bytes, the oldest dropped first. The tag is already
    /// committed when this runs, so the history's size never fails a push.
    /// </summary>
    public async Task AppendHistoryAsync(string repository, string tag, HistoryEntry entry, CancellationToken ct)
    {
        var history = (await ReadHistoryAsync(repository, tag, ct).ConfigureAwait(false)).ToList();
        history.Insert(0, entry);
        if (history.Count > MaxHistoryEntries) history.RemoveRange(MaxHistoryEntries, history.Count - MaxHistoryEntries);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(history, BucketJsonContext.Compact.ListHistoryEntry);
        while (bytes.Length > MaxHistoryBytes && history.Count > 1)
        {
            // Drop the oldest in proportion to the excess (at least one), then measure again.
            var drop = Math.Max(1, (int)((long)history.Count * (bytes.Length - MaxHistoryBytes) / bytes.Length));
            history.RemoveRange(history.Count - Math.Min(drop, history.Count - 1), Math.Min(drop, history.Count - 1));
            bytes = JsonSerializer.SerializeToUtf8Bytes(history, BucketJsonContext.Compact.ListHistoryEntry);
        }
        using var content = new MemoryStream(bytes, writable: false);
        await Store.PutAsync(BucketLayout.HistoryKey(repository, tag), content, bytes.Length, PutOptions.Metadata, ct).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="limit"/> bytes of an object, and whether that was all of it.</summary>
    private async Task<(byte[] Bytes, bool Whole)> ReadPrefixAsync(string key, int limit, CancellationToken ct)
    {
        await using var stream = await Store.OpenReadAsync(key, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while (buffer.Length <= limit && (n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0) buffer.Write(chunk, 0, n);
        var bytes = buffer.ToArray();
        return bytes.Length > limit ? (bytes[..limit], false) : (bytes, true);
    }

    /// <summary>Every tag in the bucket as (repository, tag), in no promised order.</summary>
    public async IAsyncEnumerable<(string Repository, string Tag)> ListTagsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var info in Store.ListAsync(BucketLayout.ManifestsPrefix, ct).ConfigureAwait(false))
        {
            if (BucketLayout.ParseManifestKey(info.Key) is { } name) yield return name;
        }
    }

    /// <summary>
    /// Removes a tag's files (never blobs). Only the files a tag owns are deleted: a prefix delete
    /// could reach another image whose name continues the path (org/app:1.0 vs org/app/1.0:v1).
    /// </summary>
    public Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken ct) => DeleteTagAsync(repository, tag, null, ct);

    /// <param name="expectedETag">
    /// The manifest version the caller decided on (clean reads every tag long before it deletes); null: the
    /// version read here. Either way a push that moved the tag since keeps it.
    /// </param>
    public async Task<bool> DeleteTagAsync(string repository, string tag, string? expectedETag, CancellationToken ct)
    {
        var manifestKey = BucketLayout.ManifestKey(repository, tag);
        if (await Store.HeadAsync(manifestKey, ct).ConfigureAwait(false) is not { } read) return false;
        // The manifest goes first: from then on the tag is gone, whatever happens to the rest. Only the
        // version read (or expected) is deleted: a push that moved the tag meanwhile keeps it (and its history).
        try
        {
            if ((expectedETag ?? read.ETag) is { } etag) await Store.DeleteIfMatchAsync(manifestKey, etag, ct).ConfigureAwait(false);
            else await Store.DeleteAsync(manifestKey, ct).ConfigureAwait(false);
        }
        catch (PreconditionFailedException)
        {
            throw new S3loException($"{repository}:{tag} in {Name} was changed by a push while delete ran; it was not deleted",
                "check what the tag holds now ('s3lo inspect') and delete again if it should go");
        }
        // A push that landed right after the manifest went owns the tag again, with its own history.
        if (await Store.HeadAsync(manifestKey, ct).ConfigureAwait(false) is not null) return true;
        var signatures = BucketLayout.SignaturesPrefix(repository, tag);
        await foreach (var info in Store.ListAsync(signatures, ct).ConfigureAwait(false))
        {
            // Only <keyid>.json files: signatures/ may also be the directory of an image tagged "signatures".
            if (BucketLayout.IsSignatureFileName(info.Key[signatures.Length..])) await Store.DeleteAsync(info.Key, ct).ConfigureAwait(false);
        }
        await Store.DeleteAsync(BucketLayout.HistoryKey(repository, tag), ct).ConfigureAwait(false);
        await Store.DeleteAsync(BucketLayout.OciLayoutKey(repository, tag), ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The stored blob for a layer tar in a compression, if the index has one whose blob still exists.</summary>
    public async Task<CachedLayer?> FindIndexedLayerAsync(Digest diffId, LayerCompression compression, CancellationToken ct)
    {
        IndexedLayer? entry;
        try
        {
            var bytes = await ReadAllAsync(BucketLayout.DiffIdKey(diffId, compression), ct).ConfigureAwait(false);
            entry = JsonSerializer.Deserialize(bytes, BucketJsonContext.Compact.IndexedLayer);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        if (entry is null || entry.DiffId != diffId.ToString() || !Digest.TryParse(entry.Digest, out var blob)) return null;
        if (!await HasBlobAsync(blob, entry.Size, ct).ConfigureAwait(false)) return null;
        return new CachedLayer(new Descriptor { MediaType = entry.MediaType, Digest = entry.Digest, Size = entry.Size }, entry.TarSize);
    }

    public async Task RecordIndexedLayerAsync(Digest diffId, LayerCompression compression, Descriptor blob, long? tarSize, CancellationToken ct)
    {
        var entry = new IndexedLayer { DiffId = diffId.ToString(), MediaType = blob.MediaType, Digest = blob.Digest, Size = blob.Size, TarSize = tarSize };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, BucketJsonContext.Compact.IndexedLayer);
        using var content = new MemoryStream(bytes, writable: false);
        await Store.PutAsync(BucketLayout.DiffIdKey(diffId, compression), content, bytes.Length, PutOptions.Metadata, ct).ConfigureAwait(false);
    }

    public async Task<byte[]> ReadAllAsync(string key, CancellationToken ct)
    {
        await using var stream = await Store.OpenReadAsync(key, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > OciJson.MaxDocumentBytes)
                throw new S3loException($"{Name}/{key} is over the {OciJson.MaxDocumentBytes}-byte limit for JSON documents");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
