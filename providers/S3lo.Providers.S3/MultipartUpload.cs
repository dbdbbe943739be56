using System.Runtime.ExceptionServices;
using Amazon.S3.Model;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// Uploads a stream above the single-PUT threshold: parts are read sequentially into pooled
/// buffers and uploaded in parallel (at most <see cref="S3ObjectStore.MaxParallelParts"/> in
/// flight, one more buffer being filled). A full buffer is held back until the next read shows
/// more data follows, so the LAST part is only sent after the source was read to its end without
/// error — a stream that verifies its digest on the final read can never complete a bad upload.
/// Any failure or cancellation aborts the upload.
/// </summary>
internal static class MultipartUpload
{
    private const int MaxParts = 10_000;
    private const long MinPartSize = 5L << 20;

    public static async Task<ObjectInfo> RunAsync(S3ObjectStore store, string key, Stream content, long length, PutOptions options, CancellationToken ct)
    {
        // Fail fast before uploading anything; checked again just before Complete.
        await store.CheckConditionAsync(key, options.Condition, ct).ConfigureAwait(false);
        var partSize = PartSizeFor(length, store.PartSize);
        var session = await MultipartSession.StartAsync(store, key, options, ct).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var slots = new SemaphoreSlim(store.MaxParallelParts + 1);
        var uploads = new List<Task<PartETag>>();
        byte[]? pending = null;
        var pendingCount = 0;
        long total = 0;
        try
        {
            while (true)
            {
                await slots.WaitAsync(cts.Token).ConfigureAwait(false);
                var buffer = store.Buffers.Rent(partSize);
                int filled;
                try
                {
                    filled = await FillAsync(content, buffer, partSize, cts.Token).ConfigureAwait(false);
                    total += filled;
                    if (length >= 0 && total > length) throw new IOException($"the source has more than the {length} bytes declared");
                    if (filled < partSize && length >= 0 && total != length)
                        throw new IOException($"the source ended after {total} of {length} bytes");
                }
                catch
                {
                    store.Buffers.Return(buffer);
                    throw;
                }
                if (pending is not null)
                {
                    Dispatch(pending, pendingCount);
                    pending = null;
                }
                if (filled == partSize)
                {
                    pending = buffer;
                    pendingCount = filled;
                    continue;
                }
                // The source has ended (and verified itself): the last part may go. An empty
                // source still needs one (empty) part.
                if (filled > 0 || uploads.Count == 0) Dispatch(buffer, filled);
                else
                {
                    store.Buffers.Return(buffer);
                    slots.Release();
                }
                break;
            }
            var parts = await Task.WhenAll(uploads).ConfigureAwait(false);
            await store.CheckConditionAsync(key, options.Condition, cts.Token).ConfigureAwait(false);
            // Listed while ours is still open, so the server's own clock says which began before it.
            var leftovers = await session.FindOlderUploadsAsync(cts.Token).ConfigureAwait(false);
            var stored = await session.CompleteAsync(parts, total, options.Condition, cts.Token).ConfigureAwait(false);
            await session.AbortUploadsAsync(leftovers, ct).ConfigureAwait(false);
            return stored;
        }
        catch (Exception e)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            if (pending is not null) store.Buffers.Return(pending);
            try
            {
                await Task.WhenAll(uploads).ConfigureAwait(false);
            }
            catch
            {
                // The first failure is reported below.
            }
            await session.AbortAsync().ConfigureAwait(false);
            // Our own cancellation after a part failed: report the part's error instead.
            if (e is OperationCanceledException && !ct.IsCancellationRequested &&
                uploads.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } partError)
                ExceptionDispatchInfo.Throw(partError);
            throw;
        }

        void Dispatch(byte[] buffer, int count)
        {
            if (uploads.Count == MaxParts)
                throw new S3loException($"{key} is larger than {MaxParts} parts of {partSize} bytes", "pass its length so the part size can grow");
            uploads.Add(UploadAsync(uploads.Count + 1, buffer, count));
        }

        async Task<PartETag> UploadAsync(int number, byte[] buffer, int count)
        {
            try
            {
                return await session.UploadPartAsync(number, buffer, count, cts.Token).ConfigureAwait(false);
            }
            catch
            {
                // Stop reading the source and the other parts at once.
                await cts.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                store.Buffers.Return(buffer);
                slots.Release();
            }
        }
    }

    /// <summary>The configured part size, grown so a known length fits in 10,000 parts.</summary>
    internal static int PartSizeFor(long length, int configured)
    {
        var size = Math.Max(configured, MinPartSize);
        if (length > 0) size = Math.Max(size, (length + MaxParts - 1) / MaxParts);
        // Whole MiB, and below 2 GiB so one array holds it.
        size = (size + (1 << 20) - 1) & ~((1L << 20) - 1);
        return (int)Math.Min(size, int.MaxValue - (1 << 20));
    }

    /// <summary>Reads until the buffer is full or the source ends; a short count means the end was read.</summary>
    private static async Task<int> FillAsync(Stream source, byte[] buffer, int size, CancellationToken ct)
    {
        var filled = 0;
        while (filled < size)
        {
            var n = await source.ReadAsync(buffer.AsMemory(filled, size - filled), ct).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
