using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3lo.Core.Net;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>One multipart upload: start (with the storage-class fallback), parts, complete, abort.</summary>
internal sealed class MultipartSession
{
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(30);
    /// <summary>Uploads this process gave up on but could not abort: the next upload of their key removes them.</summary>
    private static readonly ConcurrentDictionary<string, byte> Abandoned = new(StringComparer.Ordinal);

    /// <summary>How old another upload of a key must be to count as a leftover (S3LO_MULTIPART_GRACE, default 1 h).</summary>
    public TimeSpan Grace { get; }
    private readonly S3ObjectStore _store;

    private MultipartSession(S3ObjectStore store, string key, string uploadId, TimeSpan grace)
    {
        _store = store;
        Grace = grace;
        Key = key;
        UploadId = uploadId;
    }

    public string Key { get; }
    public string UploadId { get; }

    public static async Task<MultipartSession> StartAsync(S3ObjectStore store, string key, PutOptions options, CancellationToken ct)
    {
        // Read before anything is uploaded, so a bad value is a usage error, not a failure at the end.
        var grace = EnvironmentDuration.Read("S3LO_MULTIPART_GRACE", TimeSpan.FromHours(1));
        while (true)
        {
            var storageClass = store.Classes.For(options.Class);
            try
            {
                var request = new InitiateMultipartUploadRequest
                {
                    BucketName = store.Bucket, Key = key, ContentType = options.ContentType, StorageClass = storageClass,
                };
                var response = await store.Client.InitiateMultipartUploadAsync(request, ct).ConfigureAwait(false);
                if (!StorageClassPolicy.IsStandard(storageClass)) store.Classes.Settled = true;
                return new MultipartSession(store, key, response.UploadId, grace);
            }
            catch (AmazonS3Exception e) when (store.Classes.TryFallBack(e, storageClass, store.DisplayName, store.Warn))
            {
                // Retried with STANDARD.
            }
            catch (Exception e) when (store.Errors.Translate(e, "s3:PutObject", key, ct) is { } error)
            {
                throw error;
            }
        }
    }

    public async Task<PartETag> UploadPartAsync(int number, byte[] buffer, int count, CancellationToken ct)
    {
        using var body = new MemoryStream(buffer, 0, count, writable: false);
        var request = new UploadPartRequest
        {
            BucketName = _store.Bucket, Key = Key, UploadId = UploadId, PartNumber = number, PartSize = count, InputStream = body,
        };
        _store.ApplyPayloadMode(request);
        try
        {
            var response = await _store.Client.UploadPartAsync(request, ct).ConfigureAwait(false);
            return new PartETag(number, response.ETag);
        }
        catch (Exception e) when (_store.Errors.Translate(e, "s3:PutObject", Key, ct) is { } error)
        {
            throw error;
        }
    }

    public async Task<PartETag> CopyPartAsync(int number, string sourceBucket, string sourceKey, long first, long last, CancellationToken ct)
    {
        var request = new CopyPartRequest
        {
            SourceBucket = sourceBucket, SourceKey = sourceKey, DestinationBucket = _store.Bucket, DestinationKey = Key,
            UploadId = UploadId, PartNumber = number, FirstByte = first, LastByte = last,
        };
        try
        {
            var response = await _store.Client.CopyPartAsync(request, ct).ConfigureAwait(false);
            return new PartETag(number, response.ETag);
        }
        catch (AmazonS3Exception e) when (S3ObjectStore.IsCopyRefused(e))
        {
            throw new CopyRefusedException(e);
        }
        catch (Exception e) when (_store.Errors.Translate(e, "s3:PutObject (server-side copy)", Key, ct) is { } error)
        {
            throw error;
        }
    }

    /// <summary>
    /// Completes the upload under <paramref name="condition"/>. The caller has checked the condition
    /// with a HEAD just before: Ceph RGW (16.x) ignores If-None-Match/If-Match here, AWS S3 enforces them.
    /// </summary>
    public async Task<ObjectInfo> CompleteAsync(IEnumerable<PartETag> parts, long size, WriteCondition condition, CancellationToken ct)
    {
        var request = new CompleteMultipartUploadRequest
        {
            BucketName = _store.Bucket, Key = Key, UploadId = UploadId, PartETags = parts.OrderBy(p => p.PartNumber).ToList(),
        };
        if (condition.RequireAbsent) request.IfNoneMatch = "*";
        if (condition.ETag is { } etag) request.IfMatch = S3ObjectStore.ConditionETag(etag);
        string? resultETag;
        try
        {
            resultETag = (await _store.Client.CompleteMultipartUploadAsync(request, ct).ConfigureAwait(false)).ETag;
        }
        catch (AmazonS3Exception e) when (S3ObjectStore.IsPreconditionFailure(e))
        {
            throw new PreconditionFailedException(_store.DisplayName, Key);
        }
        catch (Exception e) when (_store.Errors.Translate(e, "s3:PutObject", Key, ct) is { } error)
        {
            throw error;
        }
        // RGW answers an empty ETag here (a known bug); HEAD has the real one.
        if (string.IsNullOrEmpty(resultETag))
            return await _store.HeadAsync(Key, ct).ConfigureAwait(false) ?? new ObjectInfo(Key, size, DateTimeOffset.UtcNow, null);
        return new ObjectInfo(Key, size, DateTimeOffset.UtcNow, resultETag);
    }

    /// <summary>
    /// Uploads of this key that are leftovers of a killed or failed run, whose parts would otherwise
    /// be stored (and billed) until a lifecycle rule removes them: begun more than <see cref="Grace"/>
    /// before this one, or abandoned by this process. A younger upload may be another push's live
    /// one (two pushes of one new layer): it is left alone. Best effort: a listing that fails finds nothing.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindOlderUploadsAsync(CancellationToken ct)
    {
        try
        {
            var listing = await _store.Client.ListMultipartUploadsAsync(
                new ListMultipartUploadsRequest { BucketName = _store.Bucket, Prefix = Key }, ct).ConfigureAwait(false);
            var uploads = (listing.MultipartUploads ?? []).Where(u => u.Key == Key).ToList();
            if (uploads.FirstOrDefault(u => u.UploadId == UploadId)?.Initiated is not { } ours) return [];
            var cutoff = ours - Grace;
            return uploads.Where(u => u.UploadId != UploadId && (u.Initiated < cutoff || Abandoned.ContainsKey(u.UploadId)))
                .Select(u => u.UploadId).ToList();
        }
        catch (AmazonS3Exception)
        {
            return [];
        }
    }

    /// <summary>Aborts the given uploads of this key (the object is complete now); failures are ignored.</summary>
    public async Task AbortUploadsAsync(IReadOnlyList<string> uploadIds, CancellationToken ct)
    {
        foreach (var id in uploadIds)
        {
            try
            {
                await _store.Client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = _store.Bucket, Key = Key, UploadId = id }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
            }
        }
    }

    /// <summary>Aborts even when the caller was cancelled (Ctrl+C); a failure here is logged, never thrown.</summary>
    public async Task AbortAsync()
    {
        using var timeout = new CancellationTokenSource(AbortTimeout);
        try
        {
            await _store.Client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = _store.Bucket, Key = Key, UploadId = UploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Abandoned.TryAdd(UploadId, 0);
            _store.Logger.LogWarning("could not abort the multipart upload of {Store}/{Key} ({Error}); the next upload of that key aborts it once older than S3LO_MULTIPART_GRACE, or a bucket lifecycle rule removes it",
                _store.DisplayName, Key, e.Message);
        }
    }
}
