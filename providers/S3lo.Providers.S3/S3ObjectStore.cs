using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// One S3 bucket as an object store. Uploads read the caller's stream exactly once: a single
/// PutObject from a pooled buffer up to <see cref="MultipartThreshold"/> (so the SDK can retry it),
/// a parallel multipart upload above it (see <see cref="MultipartUpload"/>).
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IServerSideCopy, IPresignedReads, IIncompleteUploads, IStorageAdvisor, IStoreCreation
{
    private const long MiB = 1 << 20;
    private readonly Uri? _endpoint;
    private readonly SemaphoreSlim _classProbe = new(1, 1);
    private int _partSize = (int)(8 * MiB);
    private int _maxParallelParts = 4;
    private volatile bool _bucketConfirmed;

    internal S3ObjectStore(AmazonS3Client client, string bucket, Uri? endpoint, string region, string? storageClass, ILogger logger)
    {
        Client = client;
        Bucket = bucket;
        Region = region;
        _endpoint = endpoint;
        Logger = logger;
        DisplayName = "s3://" + bucket;
        Errors = new S3Errors(bucket, endpoint, region);
        Classes = new StorageClassPolicy(storageClass);
    }

    public string DisplayName { get; }
    public string Bucket { get; }
    /// <summary>The region requests are signed for (configured, discovered, or us-east-1 for custom endpoints).</summary>
    public string Region { get; }

    public bool Created { get; private set; }

    /// <summary>The region on AWS; a custom endpoint's region is only what requests are signed for.</summary>
    public string? Location => _endpoint is null ? Region : null;

    /// <summary>
    /// Objects up to this size go up in one PutObject; larger ones (and unknown lengths) as multipart.
    /// A single PUT is held in memory so it can be retried: 8 MiB (the AWS CLI's default threshold)
    /// keeps a push at concurrency 8 within 64 MiB of upload buffers.
    /// </summary>
    public long MultipartThreshold { get; set; } = 8 * MiB;

    /// <summary>Multipart part size (at least 5 MiB, S3's minimum); grown for objects over 10,000 parts.</summary>
    public int PartSize
    {
        get => _partSize;
        set => _partSize = value >= 5 * MiB ? value : throw new ArgumentOutOfRangeException(nameof(value), "S3 parts are at least 5 MiB");
    }

    /// <summary>Parts of one object uploaded at once; memory per upload is about (this + 1) × <see cref="PartSize"/>.</summary>
    public int MaxParallelParts
    {
        get => _maxParallelParts;
        set => _maxParallelParts = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Server-side copies above this size use UploadPartCopy (CopyObject stops at 5 GiB).</summary>
    public long MultipartCopyThreshold { get; set; } = 5L << 30;

    /// <summary>Range size of one UploadPartCopy.</summary>
    public long CopyPartSize { get; set; } = 512 * MiB;

    /// <summary>Uploads per ListMultipartUploads page; null for the server's default (1,000). Small in tests of paging.</summary>
    internal int? UploadListingPageSize { get; set; }

    /// <summary>Receives the one-time storage-class fallback notice; by default "warning: ..." on stderr.</summary>
    public Action<string> Warn { get; set; } = message => Console.Error.WriteLine("warning: " + message);

    internal AmazonS3Client Client { get; }
    internal S3Errors Errors { get; }
    internal StorageClassPolicy Classes { get; }
    internal ILogger Logger { get; }
    // Bounded so idle part buffers do not pile up; larger parts are allocated and dropped.
    internal ArrayPool<byte> Buffers { get; } = ArrayPool<byte>.Create(256 * (int)MiB, 16);

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, ct).ConfigureAwait(false);
            _bucketConfirmed = true;
            return new ObjectInfo(key, response.ContentLength, ToOffset(response.LastModified), response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // A HEAD error has no body, so "no such key" and "no such bucket" look the same.
            await ConfirmBucketAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (Errors.Translate(e, "s3:GetObject", key, ct) is { } error)
        {
            throw error;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct) =>
        GetAsync(new GetObjectRequest { BucketName = Bucket, Key = key }, ct);

    public async Task<Stream> OpenReadRangeAsync(string key, long offset, long length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            if (await HeadAsync(key, ct).ConfigureAwait(false) is null) throw new ObjectNotFoundException(DisplayName, key);
            return Stream.Null;
        }
        try
        {
            return await GetAsync(new GetObjectRequest { BucketName = Bucket, Key = key, ByteRange = new ByteRange(offset, offset + length - 1) }, ct)
                .ConfigureAwait(false);
        }
        catch (S3loException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.RequestedRangeNotSatisfiable })
        {
            // Past the end: nothing to read, as with a file.
            return Stream.Null;
        }
    }

    private async Task<Stream> GetAsync(GetObjectRequest request, CancellationToken ct)
    {
        try
        {
            var response = await Client.GetObjectAsync(request, ct).ConfigureAwait(false);
            _bucketConfirmed = true;
            return new S3ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
        {
            throw new ObjectNotFoundException(DisplayName, request.Key);
        }
        catch (Exception e) when (Errors.Translate(e, "s3:GetObject", request.Key, ct) is { } error)
        {
            throw error;
        }
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        if (length >= 0 && length <= MultipartThreshold && length <= Array.MaxLength) return await PutSingleAsync(key, content, length, options, ct).ConfigureAwait(false);
        return await MultipartUpload.RunAsync(this, key, content, length, options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One PutObject from a pooled buffer: the source is read to its end first (where a verifying
    /// stream checks its digest), so bad content never starts an upload, and the SDK can send the
    /// bytes again after 503 SlowDown, a 5xx or a reset connection.
    /// </summary>
    private async Task<ObjectInfo> PutSingleAsync(string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        var storageClass = await StorageClassForPutAsync(key, options, ct).ConfigureAwait(false);
        var buffer = length == 0 ? [] : Buffers.Rent((int)length);
        try
        {
            var source = new SinglePassUploadStream(content, length);
            await source.ReadExactlyAsync(buffer.AsMemory(0, (int)length), ct).ConfigureAwait(false);
            // The read that must come back empty: only then is the source known complete (and verified).
            await source.ReadAsync(new byte[1], ct).ConfigureAwait(false);
            while (true)
            {
                using var body = new MemoryStream(buffer, 0, (int)length, writable: false);
                var request = new PutObjectRequest
                {
                    BucketName = Bucket, Key = key, InputStream = body, AutoCloseStream = false, AutoResetStreamPosition = true,
                    ContentType = options.ContentType, StorageClass = storageClass,
                };
                request.Headers.ContentLength = length;
                ApplyPayloadMode(request);
                // RGW answers XAmzContentSHA256Mismatch to an empty aws-chunked body: send an ordinary empty one.
                if (length == 0) request.UseChunkEncoding = false;
                ApplyCondition(request, options.Condition);
                try
                {
                    var response = await Client.PutObjectAsync(request, ct).ConfigureAwait(false);
                    _bucketConfirmed = true;
                    return new ObjectInfo(key, length, DateTimeOffset.UtcNow, response.ETag);
                }
                catch (AmazonS3Exception e) when (Classes.TryFallBack(e, storageClass, DisplayName, Warn))
                {
                    storageClass = S3StorageClass.Standard;
                }
                catch (AmazonS3Exception e) when (IsPreconditionFailure(e))
                {
                    throw new PreconditionFailedException(DisplayName, key);
                }
                catch (Exception e) when (Errors.Translate(e, "s3:PutObject", key, ct) is { } error)
                {
                    throw error;
                }
            }
        }
        finally
        {
            if (buffer.Length > 0) Buffers.Return(buffer);
        }
    }

    /// <summary>
    /// The class for a single PutObject. The first time a non-STANDARD class is used, initiating
    /// (and aborting) a multipart upload tests whether the server accepts it — a refused PutObject
    /// could not be retried, because the caller's stream is read only once.
    /// </summary>
    private async Task<S3StorageClass> StorageClassForPutAsync(string key, PutOptions options, CancellationToken ct)
    {
        var storageClass = Classes.For(options.Class);
        if (StorageClassPolicy.IsStandard(storageClass) || Classes.Settled) return storageClass;
        await _classProbe.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!Classes.Settled)
            {
                var probe = await MultipartSession.StartAsync(this, key, options, ct).ConfigureAwait(false);
                await probe.AbortAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _classProbe.Release();
        }
        return Classes.For(options.Class);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        while (true)
        {
            ListObjectsV2Response response;
            try
            {
                response = await Client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (Errors.Translate(e, "s3:ListBucket", null, ct) is { } error)
            {
                throw error;
            }
            _bucketConfirmed = true;
            foreach (var item in response.S3Objects ?? [])
                yield return new ObjectInfo(item.Key, item.Size ?? 0, ToOffset(item.LastModified), item.ETag)
                {
                    StorageClass = string.IsNullOrEmpty(item.StorageClass?.Value) ? null : item.StorageClass.Value,
                };
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken)) yield break;
            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
        {
            // Already gone (S3 itself answers 204; some compatible servers 404).
        }
        catch (Exception e) when (Errors.Translate(e, "s3:DeleteObject", key, ct) is { } error)
        {
            throw error;
        }
    }

    public Task<IReadOnlyList<DeleteFailure>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken ct) =>
        keys.Count == 0 ? Task.FromResult<IReadOnlyList<DeleteFailure>>([]) : BatchDelete.RunAsync(this, keys, ct);

    public IAsyncEnumerable<IncompleteUpload> ListIncompleteUploadsAsync(CancellationToken ct) => IncompleteMultipartUploads.ListAsync(this, ct);

    public Task AbortAsync(IncompleteUpload upload, CancellationToken ct) => IncompleteMultipartUploads.AbortAsync(this, upload, ct);

    public Task<IReadOnlyList<StorageFinding>> InspectSettingsAsync(CancellationToken ct) => BucketSettingsAdvisor.InspectAsync(this, ct);

    /// <summary>
    /// DeleteObject with If-Match. Servers that ignore the header (Ceph RGW before Squid) would
    /// delete unconditionally, so the tag is compared by a HEAD just before as well: the window
    /// left there is one round trip, not the whole command.
    /// </summary>
    public async Task DeleteIfMatchAsync(string key, string etag, CancellationToken ct)
    {
        if (await HeadAsync(key, ct).ConfigureAwait(false) is not { ETag: { } current } || !SameETag(current, etag))
            throw new PreconditionFailedException(DisplayName, key);
        try
        {
            await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key, IfMatch = ConditionETag(etag) }, ct)
                .ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsPreconditionFailure(e) || e.ErrorCode == "NoSuchKey")
        {
            throw new PreconditionFailedException(DisplayName, key);
        }
        catch (Exception e) when (Errors.Translate(e, "s3:DeleteObject", key, ct) is { } error)
        {
            throw error;
        }
    }

    /// <summary>
    /// CopyObject from another bucket on the same server: no byte passes through this machine.
    /// False when the other store is not S3 on this endpoint or the server refuses; the caller streams.
    /// </summary>
    public Task<bool> TryCopyFromAsync(IObjectStore source, string sourceKey, string destinationKey, PutOptions options, CancellationToken ct) =>
        source is S3ObjectStore other && other._endpoint == _endpoint
            ? CopyFromAsync(other, sourceKey, destinationKey, options, ct)
            : Task.FromResult(false);

    private async Task<bool> CopyFromAsync(S3ObjectStore from, string sourceKey, string destinationKey, PutOptions options, CancellationToken ct)
    {
        var source = await from.HeadAsync(sourceKey, ct).ConfigureAwait(false) ?? throw new ObjectNotFoundException(from.DisplayName, sourceKey);
        // Ceph RGW ignores If-None-Match/If-Match on copies: check first (S3 itself also enforces the headers).
        await CheckConditionAsync(destinationKey, options.Condition, ct).ConfigureAwait(false);
        try
        {
            if (source.Size > MultipartCopyThreshold)
                await MultipartCopy.RunAsync(this, from.Bucket, sourceKey, destinationKey, source.Size, options, ct).ConfigureAwait(false);
            else
                await CopyObjectAsync(from.Bucket, sourceKey, destinationKey, options, ct).ConfigureAwait(false);
            return true;
        }
        catch (CopyRefusedException e)
        {
            Logger.LogDebug("{Store} refused a server-side copy ({Error}); streaming instead", DisplayName, e.InnerException?.Message);
            return false;
        }
    }

    private async Task CopyObjectAsync(string sourceBucket, string sourceKey, string destinationKey, PutOptions options, CancellationToken ct)
    {
        while (true)
        {
            var storageClass = Classes.For(options.Class);
            var request = new CopyObjectRequest
            {
                SourceBucket = sourceBucket, SourceKey = sourceKey, DestinationBucket = Bucket, DestinationKey = destinationKey,
                StorageClass = storageClass, MetadataDirective = S3MetadataDirective.COPY,
            };
            if (options.Condition.RequireAbsent) request.IfNoneMatch = "*";
            if (options.Condition.ETag is { } etag) request.IfMatch = ConditionETag(etag);
            try
            {
                await Client.CopyObjectAsync(request, ct).ConfigureAwait(false);
                return;
            }
            catch (AmazonS3Exception e) when (Classes.TryFallBack(e, storageClass, DisplayName, Warn))
            {
                // Retried with STANDARD.
            }
            catch (AmazonS3Exception e) when (IsCopyRefused(e))
            {
                throw new CopyRefusedException(e);
            }
            catch (AmazonS3Exception e) when (IsPreconditionFailure(e))
            {
                throw new PreconditionFailedException(DisplayName, destinationKey);
            }
            catch (Exception e) when (Errors.Translate(e, "s3:PutObject (server-side copy)", destinationKey, ct) is { } error)
            {
                throw error;
            }
        }
    }

    /// <summary>
    /// A SigV4 presigned GET URL (at most 7 days; with temporary credentials it dies with their session),
    /// computed locally from the credentials. On a custom endpoint it is path-style and takes the
    /// endpoint's scheme, so a client must reach that endpoint as this process does.
    /// </summary>
    public async ValueTask<Uri?> PresignReadAsync(string key, TimeSpan ttl, CancellationToken ct)
    {
        if (ttl < TimeSpan.FromSeconds(1) || ttl > TimeSpan.FromDays(7))
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "SigV4 presigned URLs live from 1 second to 7 days");
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Bucket, Key = key, Verb = HttpVerb.GET, Expires = DateTime.UtcNow + ttl,
            Protocol = _endpoint?.Scheme == "http" ? Protocol.HTTP : Protocol.HTTPS,
        };
        try
        {
            // async: refreshing credentials (SSO, AssumeRole, instance roles) may need a request
            return new Uri(await Client.GetPreSignedURLAsync(request).WaitAsync(ct).ConfigureAwait(false));
        }
        catch (Exception e) when (Errors.Translate(e, "presign s3:GetObject", key, ct) is { } error)
        {
            throw error;
        }
    }

    /// <summary>For init: creates the bucket (in <see cref="Region"/>) when it does not exist.</summary>
    internal async Task EnsureBucketAsync(CancellationToken ct)
    {
        try
        {
            await Client.HeadBucketAsync(new HeadBucketRequest { BucketName = Bucket }, ct).ConfigureAwait(false);
            _bucketConfirmed = true;
            return;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Created below.
        }
        catch (Exception e) when (Errors.Translate(e, "s3:ListBucket", null, ct) is { } error)
        {
            throw error;
        }
        var request = new PutBucketRequest { BucketName = Bucket };
        // us-east-1 is the one region that takes no location constraint.
        if (Region != S3ClientSettings.DefaultRegion) request.BucketRegionName = Region;
        try
        {
            await Client.PutBucketAsync(request, ct).ConfigureAwait(false);
            Created = true;
            Logger.LogInformation("created bucket {Store} in {Region}", DisplayName, Region);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Created meanwhile by another run of ours.
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyExists")
        {
            throw new S3loException($"bucket name {Bucket} is taken by another account", "bucket names are global: choose another", inner: e);
        }
        catch (Exception e) when (Errors.Translate(e, "s3:CreateBucket", null, ct) is { } error)
        {
            throw error;
        }
        _bucketConfirmed = true;
    }

    /// <summary>Throws <see cref="PreconditionFailedException"/> when <paramref name="condition"/> does not hold now.</summary>
    internal async Task CheckConditionAsync(string key, WriteCondition condition, CancellationToken ct)
    {
        if (!condition.RequireAbsent && condition.ETag is null) return;
        var current = await HeadAsync(key, ct).ConfigureAwait(false);
        var holds = condition.RequireAbsent ? current is null : current?.ETag is { } etag && SameETag(etag, condition.ETag!);
        if (!holds) throw new PreconditionFailedException(DisplayName, key);
    }

    private async Task ConfirmBucketAsync(CancellationToken ct)
    {
        if (_bucketConfirmed) return;
        try
        {
            await Client.HeadBucketAsync(new HeadBucketRequest { BucketName = Bucket }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw Errors.BucketMissing();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            // No s3:ListBucket: cannot tell, and the object HEAD itself was allowed.
        }
        catch (Exception e) when (Errors.Translate(e, "s3:ListBucket", null, ct) is { } error)
        {
            throw error;
        }
        _bucketConfirmed = true;
    }

    /// <summary>
    /// How the body is sent. AWS: the SDK's default (aws-chunked, CRC32 trailer). Compatible
    /// servers over https: UNSIGNED-PAYLOAD with a plain Content-Length (accepted by RGW, MinIO,
    /// R2 alike); over http the SDK insists on signing, which it does chunk by chunk in one pass.
    /// </summary>
    internal void ApplyPayloadMode(PutObjectRequest request)
    {
        if (_endpoint?.Scheme != "https") return;
        request.DisablePayloadSigning = true;
        request.UseChunkEncoding = false;
    }

    internal void ApplyPayloadMode(UploadPartRequest request)
    {
        if (_endpoint?.Scheme != "https") return;
        request.DisablePayloadSigning = true;
        request.UseChunkEncoding = false;
    }

    private static void ApplyCondition(PutObjectRequest request, WriteCondition condition)
    {
        if (condition.RequireAbsent) request.IfNoneMatch = "*";
        if (condition.ETag is { } etag) request.IfMatch = ConditionETag(etag);
    }

    /// <summary>
    /// The ETag as If-Match carries it: unquoted. Ceph RGW (16.x) compares the header verbatim with
    /// the bare hex and answers 412 to the quoted form; AWS S3 and MinIO accept either.
    /// </summary>
    internal static string ConditionETag(string etag) => etag.Trim('"');

    internal static bool IsPreconditionFailure(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode is "PreconditionFailed" or "ConditionalRequestConflict";

    internal static bool IsCopyRefused(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.NotImplemented || e.ErrorCode == "NotImplemented";

    private static bool SameETag(string a, string b) => a.Trim('"') == b.Trim('"');

    internal static DateTimeOffset ToOffset(DateTime? time) => time switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Unspecified } t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        { } t => new DateTimeOffset(t.ToUniversalTime()),
    };

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        _classProbe.Dispose();
        return ValueTask.CompletedTask;
    }
}
