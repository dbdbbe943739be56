using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// Multipart uploads that were started and never completed or aborted: their parts are billed but no
/// listing shows them. The whole bucket is listed (a killed run of any tool leaves them anywhere).
/// </summary>
internal static class IncompleteMultipartUploads
{
    public static async IAsyncEnumerable<IncompleteUpload> ListAsync(S3ObjectStore store, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListMultipartUploadsRequest { BucketName = store.Bucket, MaxUploads = store.UploadListingPageSize };
        while (true)
        {
            ListMultipartUploadsResponse response;
            try
            {
                response = await store.Client.ListMultipartUploadsAsync(request, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (store.Errors.Translate(e, "s3:ListBucketMultipartUploads", null, ct) is { } error)
            {
                throw error;
            }
            foreach (var upload in response.MultipartUploads ?? [])
                yield return new IncompleteUpload(upload.Key, upload.UploadId, S3ObjectStore.ToOffset(upload.Initiated), null);
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextKeyMarker)) yield break;
            request.KeyMarker = response.NextKeyMarker;
            request.UploadIdMarker = response.NextUploadIdMarker;
        }
    }

    public static async Task AbortAsync(S3ObjectStore store, IncompleteUpload upload, CancellationToken ct)
    {
        try
        {
            await store.Client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = store.Bucket, Key = upload.Key, UploadId = upload.UploadId }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // Completed or aborted meanwhile (by its own writer, or another clean).
        }
        catch (Exception e) when (store.Errors.Translate(e, "s3:AbortMultipartUpload", upload.Key, ct) is { } error)
        {
            throw error;
        }
    }
}
