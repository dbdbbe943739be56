using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Google;
using Google.Apis.Upload;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace S3lo.Providers.Gcs;

/// <summary>
/// A Google Cloud Storage bucket as an object store. Writes are resumable uploads of one chunk at a
/// time (the only copy in memory), reads stream the media download straight off the connection, the
/// version tag is the object's generation (conditional writes use ifGenerationMatch).
/// </summary>
public sealed partial class GcsObjectStore : IObjectStore
{
    /// <summary>Bytes per resumable-upload request (and the memory one upload holds); a multiple of 256 KiB.</summary>
    public const int DefaultChunkSize = 16 * 1024 * 1024;

    private const int MaxUploadResumes = 4;
    private const int MaxDownloadAttempts = 4;
    private const string ListFields = "items(name,size,updated,generation,storageClass),nextPageToken";

    /// <summary>The storage classes GCS knows; anything else (an S3 class, say) is dropped with a warning.</summary>
    private static readonly HashSet<string> KnownStorageClasses =
        ["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE", "MULTI_REGIONAL", "REGIONAL", "DURABLE_REDUCED_AVAILABILITY"];

    private readonly GcsConnection _connection;
    private readonly StorageClient _client;
    private readonly HttpClient _http;
    private readonly string _bucket;
    private readonly string _mediaPrefix;
    private readonly int _chunkSize;
    private readonly ILogger _logger;
    private string? _blobStorageClass;
    private int _storageClassWarned;

    internal GcsObjectStore(GcsConnection connection, string bucket, string? storageClass, ILogger logger, int chunkSize = DefaultChunkSize)
    {
        if (chunkSize <= 0 || chunkSize % UploadObjectOptions.MinimumChunkSize != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "must be a positive multiple of 256 KiB");
        _connection = connection;
        _client = connection.Client;
        _http = connection.Client.Service.HttpClient;
        _bucket = bucket;
        _chunkSize = chunkSize;
        _logger = logger;
        DisplayName = "gs://" + bucket;
        var baseUri = _client.Service.BaseUri;
        _mediaPrefix = (baseUri.EndsWith('/') ? baseUri : baseUri + "/") + "b/" + Uri.EscapeDataString(bucket) + "/o/";
        if (!string.IsNullOrWhiteSpace(storageClass))
        {
            var normalized = storageClass.Trim().ToUpperInvariant();
            if (KnownStorageClasses.Contains(normalized)) _blobStorageClass = normalized;
            else WarnStorageClass(storageClass, "Google Cloud Storage has no such storage class");
        }
    }

    public string DisplayName { get; }

    /// <summary>The bucket name, without the scheme.</summary>
    public string Bucket => _bucket;

    /// <summary>The storage class blobs are written with; null for the bucket's default.</summary>
    public string? BlobStorageClass => Volatile.Read(ref _blobStorageClass);

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var obj = await _client.GetObjectAsync(_bucket, key, new GetObjectOptions { Projection = Projection.NoAcl }, ct).ConfigureAwait(false);
            return ToInfo(obj);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (Map(e, "reading " + key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => OpenMediaAsync(key, 0, -1, ct);

    public async Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > 0) return await OpenMediaAsync(key, offset, length, ct).ConfigureAwait(false);
        // An empty range has no HTTP form; it still requires the object.
        if (await HeadAsync(key, ct).ConfigureAwait(false) is null) throw new ObjectNotFoundException(DisplayName, key);
        return new MemoryStream([], writable: false);
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        var generation = GenerationCondition(key, options.Condition);
        var storageClass = options.Class == ObjectClass.Blob ? BlobStorageClass : null;
        using var source = new UploadSourceStream(content, length, key);
        while (true)
        {
            try
            {
                return ToInfo(await UploadAsync(key, source, options.ContentType, storageClass, generation, ct).ConfigureAwait(false));
            }
            catch (GoogleApiException e) when (storageClass is not null && source.BytesRead == 0 && IsStorageClassRejection(e))
            {
                // Rejected when the session was opened, before any byte was read: retry without it.
                WarnStorageClass(storageClass, GcsErrors.Reason(e));
                Interlocked.CompareExchange(ref _blobStorageClass, null, storageClass);
                storageClass = null;
            }
            catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
            {
                throw new PreconditionFailedException(DisplayName, key);
            }
            catch (Exception e) when (!source.SourceFailed && Map(e, "writing " + key, ct) is { } mapped)
            {
                throw mapped;
            }
        }
    }

    /// <summary>
    /// One resumable upload. The SDK resends an unacknowledged chunk itself after a dropped connection;
    /// when its own tries are spent, the session is resumed here (the server says how far it got and the
    /// chunk still in memory is sent from there). A failure of the caller's stream is never retried:
    /// the final chunk, which creates the object, is then never sent.
    /// </summary>
    private async Task<GcsObject> UploadAsync(string key, UploadSourceStream source, string? contentType, string? storageClass, long? generation, CancellationToken ct)
    {
        var destination = new GcsObject
        {
            Bucket = _bucket,
            Name = key,
            ContentType = contentType ?? "application/octet-stream",
            StorageClass = storageClass,
        };
        var upload = _client.CreateObjectUploader(destination, source, new UploadObjectOptions
        {
            ChunkSize = _chunkSize,
            IfGenerationMatch = generation,
        });
        var progress = await upload.UploadAsync(ct).ConfigureAwait(false);
        for (var resume = 1; progress.Status != UploadStatus.Completed; resume++)
        {
            var error = progress.Exception ?? new IOException($"{DisplayName}: the upload of {key} did not complete");
            if (source.SourceFailed || ct.IsCancellationRequested || resume > MaxUploadResumes || !IsTransient(error))
                ExceptionDispatchInfo.Throw(error);
            _logger.LogDebug("{Store}: resuming the upload of {Key} after: {Error}", DisplayName, key, GcsErrors.OneLine(error.Message));
            await Task.Delay(Backoff(resume), ct).ConfigureAwait(false);
            progress = await upload.ResumeAsync(ct).ConfigureAwait(false);
        }
        return upload.ResponseBody ?? throw new IOException($"{DisplayName}: the upload of {key} returned no object");
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var options = new ListObjectsOptions { Fields = ListFields, PageSize = 1000 };
        var objects = _client.ListObjectsAsync(_bucket, prefix.Length == 0 ? null : prefix, options);
        await using var enumerator = objects.GetAsyncEnumerator(ct);
        while (true)
        {
            GcsObject current;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false)) yield break;
                current = enumerator.Current;
            }
            catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
            {
                throw GcsErrors.BucketMissing(_bucket);
            }
            catch (Exception e) when (Map(e, "listing " + (prefix.Length == 0 ? "the bucket" : prefix), ct) is { } mapped)
            {
                throw mapped;
            }
            yield return ToInfo(current);
        }
    }

    /// <summary>
    /// Single deletes, 16 at a time. The JSON API's batch endpoint (multipart/mixed, 100 calls a request)
    /// would save round trips, but the storage emulator the tests run against has no batch endpoint, so
    /// it could not be shown to work.
    /// </summary>
    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) =>
        ParallelDeletes.RunAsync(this, keys, 16, ct);

    /// <summary>ifGenerationMatch: the server deletes only the generation that was read.</summary>
    public async Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct)
    {
        var generation = GenerationCondition(key, WriteCondition.IfMatch(etag));
        try
        {
            await _client.DeleteObjectAsync(_bucket, key, new DeleteObjectOptions { IfGenerationMatch = generation }, ct).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new PreconditionFailedException(DisplayName, key);
        }
        catch (Exception e) when (Map(e, "deleting " + key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.DeleteObjectAsync(_bucket, key, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: deleting is idempotent.
        }
        catch (Exception e) when (Map(e, "deleting " + key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private long? GenerationCondition(string key, WriteCondition condition)
    {
        if (condition.RequireAbsent) return 0;
        if (condition.ETag is not { } etag) return null;
        // Generations are positive integers; any other tag came from elsewhere and cannot match.
        return long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var generation) && generation > 0
            ? generation
            : throw new PreconditionFailedException(DisplayName, key);
    }

    private void WarnStorageClass(string storageClass, string reason)
    {
        if (Interlocked.Exchange(ref _storageClassWarned, 1) == 0)
        {
            _logger.LogWarning("{Store}: storage class {StorageClass} is not usable ({Reason}); blobs get the bucket's default class",
                DisplayName, storageClass, reason);
        }
    }

    private static bool IsStorageClassRejection(GoogleApiException e) =>
        e.HttpStatusCode == HttpStatusCode.BadRequest && GcsErrors.Reason(e).Contains("storage class", StringComparison.OrdinalIgnoreCase);

    private S3loException? Map(Exception e, string action, CancellationToken ct) =>
        GcsErrors.Map(e, _bucket, action, _connection.Endpoint.Display, ct);

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsTransient(Exception e) => e switch
    {
        GoogleApiException api => IsTransient(api.HttpStatusCode),
        HttpRequestException or IOException => true,
        _ => false,
    };

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(8000, 250 * (1 << Math.Min(attempt - 1, 5))) * (0.75 + Random.Shared.NextDouble() / 2));

    private ObjectInfo ToInfo(GcsObject obj) => new(
        obj.Name,
        (long)(obj.Size ?? 0),
        obj.UpdatedDateTimeOffset ?? DateTimeOffset.UnixEpoch,
        obj.Generation?.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        StorageClass = string.IsNullOrEmpty(obj.StorageClass) ? null : obj.StorageClass,
    };
}
