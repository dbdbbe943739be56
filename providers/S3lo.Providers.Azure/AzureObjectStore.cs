using System.Buffers;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

/// <summary>
/// One blob container as an object store. Small objects go up in one request, bigger ones as staged
/// blocks committed only after the source stream was read to its end without error.
/// </summary>
public sealed partial class AzureObjectStore : IObjectStore, IStoreCreation
{
    public const long DefaultSingleUploadThreshold = 8L << 20;
    public const int DefaultBlockSize = 8 << 20;
    public const int DefaultMaxBlocksInFlight = 4;

    private const long MaxSingleUploadThreshold = 1L << 30;
    private const int MaxBlockSize = 1 << 30;
    private const int MaxBlockCount = 50_000;

    private readonly BlobServiceClient _service;
    private readonly BlobContainerClient _container;
    private readonly bool _usesTokenCredential;
    private readonly AzureErrors _errors;
    private long _singleUploadThreshold = DefaultSingleUploadThreshold;
    private int _blockSize = DefaultBlockSize;
    private int _maxBlocksInFlight = DefaultMaxBlocksInFlight;
    private int _tiersRejected;

    internal AzureObjectStore(BlobServiceClient service, string container, AccessTier blobTier, bool usesTokenCredential)
    {
        _service = service;
        _container = service.GetBlobContainerClient(container);
        BlobTier = blobTier;
        _usesTokenCredential = usesTokenCredential;
        ContainerName = container;
        DisplayName = "az://" + container;
        // Never show a SAS query in an error.
        _errors = new AzureErrors(DisplayName, container, service.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/'), service.CanGenerateAccountSasUri);
    }

    public string DisplayName { get; }

    public string ContainerName { get; }

    public bool Created { get; private set; }

    /// <summary>A container lives where its storage account does: nothing to choose or report here.</summary>
    public string? Location => null;

    /// <summary>Objects of at most this many bytes (and a known length) go up in one request; default 8 MiB (buffered: the SDK retries from it).</summary>
    public long SingleUploadThreshold
    {
        get => _singleUploadThreshold;
        set => _singleUploadThreshold = Math.Clamp(value, 0, MaxSingleUploadThreshold);
    }

    /// <summary>The size of a staged block (raised for huge objects to stay within 50,000 blocks); default 8 MiB.</summary>
    public int BlockSize
    {
        get => _blockSize;
        set => _blockSize = Math.Clamp(value, 1, MaxBlockSize);
    }

    /// <summary>How many blocks one upload holds in memory and sends at once; default 4.</summary>
    public int MaxBlocksInFlight
    {
        get => _maxBlocksInFlight;
        set => _maxBlocksInFlight = Math.Max(1, value);
    }

    /// <summary>The access tier of <see cref="ObjectClass.Blob"/> objects.</summary>
    internal AccessTier BlobTier { get; set; }

    /// <summary>Where a one-time warning goes (an access tier the service rejects); default: stderr.</summary>
    public Action<string>? Warn { get; set; } = static message => Console.Error.WriteLine("warning: " + message);

    internal async Task EnsureContainerAsync(bool createIfMissing, CancellationToken ct)
    {
        try
        {
            await _container.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            if (!createIfMissing) throw _errors.ContainerMissing();
            try
            {
                // Null when a concurrent init created it first.
                Created = await _container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false) is not null;
            }
            catch (Exception create) when (Translate(create, "create the container", null, ct) is { } mapped)
            {
                throw mapped;
            }
        }
        catch (RequestFailedException e) when (e.Status == 403 && !_service.CanGenerateAccountSasUri
                                               && e.ErrorCode != BlobErrorCode.AuthenticationFailed.ToString())
        {
            // A credential scoped to blobs (a SAS, a data-only role) may not read the container's
            // properties; the first real operation reports what it cannot do. (A shared key may do
            // everything, so a 403 with one is a wrong key or a network rule, reported here.)
        }
        catch (Exception e) when (Translate(e, "open the container", null, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var properties = (await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            return new ObjectInfo(key, properties.ContentLength, properties.LastModified, properties.ETag.ToString());
        }
        catch (RequestFailedException e) when (_errors.IsNotFound(e))
        {
            return null;
        }
        catch (Exception e) when (Translate(e, "read", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var download = (await _container.GetBlobClient(key).DownloadStreamingAsync(new BlobDownloadOptions(), ct).ConfigureAwait(false)).Value;
            return new DownloadStream(download.Content, download.Details.ContentLength);
        }
        catch (Exception e) when (Translate(e, "read", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            // An empty range is not expressible in a Range header.
            return await HeadAsync(key, ct).ConfigureAwait(false) is null ? throw new ObjectNotFoundException(DisplayName, key) : Stream.Null;
        }
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(offset, length) };
            var download = (await _container.GetBlobClient(key).DownloadStreamingAsync(options, ct).ConfigureAwait(false)).Value;
            return new DownloadStream(download.Content, download.Details.ContentLength);
        }
        catch (Exception e) when (Translate(e, "read", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        var blob = _container.GetBlockBlobClient(key);
        var tier = TierOf(options.Class);
        var headers = options.ContentType is { } contentType ? new BlobHttpHeaders { ContentType = contentType } : null;
        try
        {
            return length >= 0 && length <= SingleUploadThreshold
                ? await PutSingleAsync(blob, key, content, (int)length, tier, headers, options.Condition, ct).ConfigureAwait(false)
                : await PutStagedAsync(blob, key, content, length, tier, headers, options.Condition, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsConditionFailure(e, options.Condition))
        {
            throw new PreconditionFailedException(DisplayName, key);
        }
        catch (Exception e) when (Translate(e, "write", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task<ObjectInfo> PutSingleAsync(BlockBlobClient blob, string key, Stream content, int length, AccessTier tier,
        BlobHttpHeaders? headers, WriteCondition condition, CancellationToken ct)
    {
        // One byte more than announced: the probe for the end reads into it.
        var buffer = ArrayPool<byte>.Shared.Rent(length + 1);
        try
        {
            var read = await StagedUpload.ReadBlockAsync(content, buffer.AsMemory(0, length), ct).ConfigureAwait(false);
            if (read < length) throw new IOException($"{key}: the stream ended after {read} of {length} bytes");
            // The read that finds the end is where a verifying stream checks its digest: it must happen before the upload.
            if (await content.ReadAsync(buffer.AsMemory(length, 1), ct).ConfigureAwait(false) != 0)
                throw new IOException($"{key}: the stream holds more than the {length} bytes announced");
            var result = await WithTierAsync(tier, async t =>
            {
                using var body = new MemoryStream(buffer, 0, length, writable: false);
                var upload = new BlobUploadOptions { HttpHeaders = headers, Conditions = ToConditions(condition), AccessTier = t };
                return (await blob.UploadAsync(body, upload, ct).ConfigureAwait(false)).Value;
            }).ConfigureAwait(false);
            return new ObjectInfo(key, length, result.LastModified, result.ETag.ToString());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<ObjectInfo> PutStagedAsync(BlockBlobClient blob, string key, Stream content, long length, AccessTier tier,
        BlobHttpHeaders? headers, WriteCondition condition, CancellationToken ct)
    {
        // Fail before uploading gigabytes when the condition already does not hold; the commit below is what decides.
        if (condition.RequireAbsent || condition.ETag is not null)
        {
            var current = await HeadAsync(key, ct).ConfigureAwait(false);
            if (condition.RequireAbsent ? current is not null : current?.ETag != condition.ETag)
                throw new PreconditionFailedException(DisplayName, key);
        }
        var (blockIds, total) = await StagedUpload.StageAsync(blob, key, content, length, BlockSizeFor(length), MaxBlocksInFlight, ct)
            .ConfigureAwait(false);
        var result = await WithTierAsync(tier, async t =>
        {
            var commit = new CommitBlockListOptions { HttpHeaders = headers, Conditions = ToConditions(condition), AccessTier = t };
            return (await blob.CommitBlockListAsync(blockIds, commit, ct).ConfigureAwait(false)).Value;
        }).ConfigureAwait(false);
        return new ObjectInfo(key, total, result.LastModified, result.ETag.ToString());
    }

    private int BlockSizeFor(long length)
    {
        if (length <= 0) return BlockSize;
        var needed = (length + MaxBlockCount - 1) / MaxBlockCount;
        return (int)Math.Min(MaxBlockSize, Math.Max(BlockSize, needed));
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix };
        var pages = _container.GetBlobsAsync(options, ct).AsPages(pageSizeHint: 5000).GetAsyncEnumerator(ct);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (Translate(e, $"list {prefix}*", null, ct) is { } mapped)
                {
                    throw mapped;
                }
                if (!more) yield break;
                foreach (var item in pages.Current.Values)
                {
                    var properties = item.Properties;
                    yield return new ObjectInfo(item.Name, properties.ContentLength ?? 0,
                        properties.LastModified ?? DateTimeOffset.MinValue, properties.ETag?.ToString())
                    {
                        StorageClass = properties.AccessTier?.ToString(),
                    };
                }
            }
        }
    }

    /// <summary>
    /// Single deletes, 16 at a time: the blob batch API lives in Azure.Storage.Blobs.Batch, a package this
    /// build cannot get (its package feed does not serve it).
    /// </summary>
    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) =>
        ParallelDeletes.RunAsync(this, keys, 16, ct);

    /// <summary>If-Match on the delete: the service removes only the version that was read.</summary>
    public async Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct)
    {
        var condition = WriteCondition.IfMatch(etag);
        try
        {
            await _container.GetBlobClient(key).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, ToConditions(condition), ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsConditionFailure(e, condition))
        {
            throw new PreconditionFailedException(DisplayName, key);
        }
        catch (Exception e) when (Translate(e, "delete", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, "delete", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private AccessTier TierOf(ObjectClass objectClass) => objectClass == ObjectClass.Blob ? BlobTier : AccessTier.Hot;

    /// <summary>
    /// Runs a write with an access tier; when the service refuses tiers (an emulator, a premium account) it
    /// warns once and writes without tiers from then on.
    /// </summary>
    private async Task<T> WithTierAsync<T>(AccessTier tier, Func<AccessTier?, Task<T>> write)
    {
        if (Volatile.Read(ref _tiersRejected) != 0) return await write(null).ConfigureAwait(false);
        try
        {
            return await write(tier).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsTierRejection(e))
        {
            if (Interlocked.Exchange(ref _tiersRejected, 1) == 0)
                Warn?.Invoke($"{DisplayName}: the service does not accept access tier {tier} ({e.ErrorCode ?? "HTTP " + e.Status}); writing without access tiers");
            return await write(null).ConfigureAwait(false);
        }
    }

    private static bool IsTierRejection(RequestFailedException e) =>
        e.Status is 400 or 409
        && ((e.ErrorCode?.Contains("Tier", StringComparison.OrdinalIgnoreCase) ?? false)
            || e.Message.Contains("x-ms-access-tier", StringComparison.OrdinalIgnoreCase));

    private static BlobRequestConditions? ToConditions(WriteCondition condition) =>
        condition.RequireAbsent ? new BlobRequestConditions { IfNoneMatch = ETag.All }
        : condition.ETag is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) }
        : null;

    private static bool IsConditionFailure(RequestFailedException e, WriteCondition condition) =>
        (condition.RequireAbsent || condition.ETag is not null)
        && (e.Status == 412
            || (e.Status == 409 && e.ErrorCode == BlobErrorCode.BlobAlreadyExists.ToString())
            || (e.Status == 404 && condition.ETag is not null && e.ErrorCode == BlobErrorCode.BlobNotFound.ToString()));

    /// <summary>The one-line error for <paramref name="e"/>, or null to let it pass unchanged.</summary>
    private Exception? Translate(Exception e, string operation, string? key, CancellationToken ct)
    {
        var mapped = _errors.Map(e, operation, key, ct);
        return ReferenceEquals(mapped, e) ? null : mapped;
    }
}
