using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// DeleteObjects in requests of <see cref="MaxKeysPerRequest"/> keys (S3's limit), a few at a time: 50,000
/// blobs are 50 requests instead of 50,000. Quiet mode, so the answer names only the keys that failed.
/// </summary>
internal static class BatchDelete
{
    public const int MaxKeysPerRequest = 1000;
    private const int ParallelRequests = 4;

    public static async Task<IReadOnlyList<DeleteFailure>> RunAsync(S3ObjectStore store, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var failures = new ConcurrentBag<DeleteFailure>();
        var chunks = keys.Distinct(StringComparer.Ordinal).Chunk(MaxKeysPerRequest);
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = ParallelRequests, CancellationToken = ct }, async (chunk, token) =>
        {
            foreach (var failure in await DeleteChunkAsync(store, chunk, token).ConfigureAwait(false)) failures.Add(failure);
        }).ConfigureAwait(false);
        return [.. failures];
    }

    private static async Task<IEnumerable<DeleteFailure>> DeleteChunkAsync(S3ObjectStore store, string[] chunk, CancellationToken ct)
    {
        var request = new DeleteObjectsRequest
        {
            BucketName = store.Bucket, Quiet = true, Objects = [.. chunk.Select(key => new KeyVersion { Key = key })],
        };
        try
        {
            var response = await store.Client.DeleteObjectsAsync(request, ct).ConfigureAwait(false);
            return FailuresIn(response);
        }
        catch (DeleteObjectsException e)
        {
            // The SDK throws when the answer lists any per-key error; the other keys of the request are gone.
            return FailuresIn(e.Response);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            // One refused or lost request must not hide what the other chunks did: its keys are reported, not thrown.
            var reason = store.Errors.Translate(e, "s3:DeleteObject", null, ct)?.Message ?? e.Message;
            return chunk.Select(key => new DeleteFailure(key, reason));
        }
    }

    // NoSuchKey is what some compatible servers answer for a missing key; S3 itself reports it deleted.
    private static IEnumerable<DeleteFailure> FailuresIn(DeleteObjectsResponse? response) =>
        (response?.DeleteErrors ?? [])
            .Where(error => error.Code != "NoSuchKey")
            .Select(error => new DeleteFailure(error.Key, string.IsNullOrEmpty(error.Message) ? error.Code : $"{error.Code}: {error.Message}"));
}
