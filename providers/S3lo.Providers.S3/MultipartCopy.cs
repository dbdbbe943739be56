using System.Runtime.ExceptionServices;
using Amazon.S3.Model;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>Server-side copy above CopyObject's 5 GiB limit: UploadPartCopy of byte ranges in parallel.</summary>
internal static class MultipartCopy
{
    private const int MaxParts = 10_000;

    public static async Task RunAsync(S3ObjectStore store, string sourceBucket, string sourceKey, string destinationKey, long size, PutOptions options, CancellationToken ct)
    {
        var partSize = Math.Max(store.CopyPartSize, (size + MaxParts - 1) / MaxParts);
        var session = await MultipartSession.StartAsync(store, destinationKey, options, ct).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var slots = new SemaphoreSlim(store.MaxParallelParts);
        var copies = new List<Task<PartETag>>();
        try
        {
            for (long offset = 0; offset < size || copies.Count == 0; offset += partSize)
            {
                await slots.WaitAsync(cts.Token).ConfigureAwait(false);
                var last = Math.Min(offset + partSize, size) - 1;
                copies.Add(CopyAsync(copies.Count + 1, offset, last));
            }
            var parts = await Task.WhenAll(copies).ConfigureAwait(false);
            await store.CheckConditionAsync(destinationKey, options.Condition, cts.Token).ConfigureAwait(false);
            await session.CompleteAsync(parts, size, options.Condition, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(copies).ConfigureAwait(false);
            }
            catch
            {
                // The first failure is reported below.
            }
            await session.AbortAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && !ct.IsCancellationRequested &&
                copies.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } partError)
                ExceptionDispatchInfo.Throw(partError);
            throw;
        }

        async Task<PartETag> CopyAsync(int number, long first, long last)
        {
            try
            {
                return await session.CopyPartAsync(number, sourceBucket, sourceKey, first, last, cts.Token).ConfigureAwait(false);
            }
            catch
            {
                await cts.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
