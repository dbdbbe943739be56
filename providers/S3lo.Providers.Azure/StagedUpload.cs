using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Specialized;

namespace S3lo.Providers.Azure;

/// <summary>
/// Reads a stream once, in blocks, staging up to a fixed number of blocks at a time (memory stays at
/// about <c>blockSize × maxInFlight</c> whatever the object's size). Nothing is visible until the
/// caller commits the returned block list; uncommitted blocks are garbage-collected by the service.
/// </summary>
internal static class StagedUpload
{
    public static async Task<(IReadOnlyList<string> BlockIds, long Length)> StageAsync(
        BlockBlobClient blob, string key, Stream content, long expectedLength, int blockSize, int maxInFlight, CancellationToken ct)
    {
        // IDs are the block index behind a per-upload nonce: two writers of one key stage into the same
        // uncommitted-block set, and must never commit each other's bytes.
        var nonce = RandomNumberGenerator.GetBytes(8);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var slots = new SemaphoreSlim(maxInFlight);
        var ids = new List<string>();
        var stages = new List<Task>();
        long total = 0;
        try
        {
            while (true)
            {
                await slots.WaitAsync(abort.Token).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(blockSize);
                int read;
                try
                {
                    read = await ReadBlockAsync(content, buffer.AsMemory(0, blockSize), abort.Token).ConfigureAwait(false);
                    total += read;
                    if (expectedLength >= 0 && total > expectedLength)
                        throw new IOException($"{key}: the stream holds more than the {expectedLength} bytes announced");
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    slots.Release();
                    throw;
                }
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    slots.Release();
                    break;
                }
                var id = BlockId(nonce, ids.Count);
                ids.Add(id);
                stages.Add(StageBlockAsync(blob, id, buffer, read, slots, abort));
                // A short block means the read that found the end (where a verifying stream checks) already happened.
                if (read < blockSize) break;
            }
        }
        catch (Exception e)
        {
            await abort.CancelAsync().ConfigureAwait(false);
            await WaitQuietlyAsync(stages).ConfigureAwait(false);
            // A failed block cancels the reading; report the block's failure, not the cancellation.
            if (e is OperationCanceledException && !ct.IsCancellationRequested && FirstFailure(stages) is { } stageFailure)
                ExceptionDispatchInfo.Throw(stageFailure);
            throw;
        }
        await WaitQuietlyAsync(stages).ConfigureAwait(false);
        if (FirstFailure(stages) is { } failure) ExceptionDispatchInfo.Throw(failure);
        ct.ThrowIfCancellationRequested();
        if (stages.FirstOrDefault(t => !t.IsCompletedSuccessfully) is { } unfinished) await unfinished.ConfigureAwait(false);
        if (expectedLength >= 0 && total != expectedLength)
            throw new IOException($"{key}: the stream ended after {total} of {expectedLength} bytes");
        return (ids, total);
    }

    internal static string BlockId(ReadOnlySpan<byte> nonce, int index)
    {
        Span<byte> id = stackalloc byte[12];
        nonce[..8].CopyTo(id);
        BinaryPrimitives.WriteInt32BigEndian(id[8..], index);
        return Convert.ToBase64String(id);
    }

    /// <summary>Fills <paramref name="block"/> unless the stream ends first; returns the bytes read.</summary>
    internal static async ValueTask<int> ReadBlockAsync(Stream content, Memory<byte> block, CancellationToken ct)
    {
        var filled = 0;
        while (filled < block.Length)
        {
            var n = await content.ReadAsync(block[filled..], ct).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }

    private static async Task StageBlockAsync(
        BlockBlobClient blob, string id, byte[] buffer, int length, SemaphoreSlim slots, CancellationTokenSource abort)
    {
        try
        {
            using var block = new MemoryStream(buffer, 0, length, writable: false);
            await blob.StageBlockAsync(id, block, options: null, abort.Token).ConfigureAwait(false);
        }
        catch
        {
            await abort.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            slots.Release();
        }
    }

    private static async Task WaitQuietlyAsync(List<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            // Inspected one by one by the caller.
        }
    }

    private static Exception? FirstFailure(List<Task> tasks) =>
        tasks.Where(t => t.IsFaulted)
            .Select(t => t.Exception!.InnerException!)
            .FirstOrDefault(e => e is not OperationCanceledException);
}
