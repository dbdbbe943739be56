using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Storage;

namespace S3lo.Core.Doctor;

/// <summary>
/// --deep: every listed blob streamed and hashed, a few at once, through one pooled buffer each (never a
/// whole blob in memory). Returns the blobs whose bytes do not hash to their name, with what they hash to.
/// </summary>
internal static class BlobRehash
{
    private const int BufferBytes = 256 << 10;

    public static async Task<(ConcurrentDictionary<string, string> Corrupt, long Bytes)> RunAsync(ImageBucket bucket, BlobInventory inventory,
        int parallelism, IProgress<DoctorProgress> progress, CancellationToken ct)
    {
        var corrupt = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        long bytes = 0, done = 0;
        var total = inventory.Count;
        progress.Report(new DoctorProgress("hashing blobs", 0, total));
        await Parallel.ForEachAsync(inventory.All, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (blob, token) =>
        {
            var key = BucketLayout.BlobsPrefix + blob.Hex;
            var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var stream = await bucket.Store.OpenReadAsync(key, token).ConfigureAwait(false))
                {
                    int n;
                    while ((n = await stream.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        Interlocked.Add(ref bytes, n);
                    }
                }
                var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (actual != blob.Hex) corrupt[blob.Hex] = "sha256:" + actual;
            }
            catch (ObjectNotFoundException)
            {
                // Deleted since the listing (a clean): the walk reports it if a tag still needs it.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw DoctorFailure.ReadFailed(bucket.Name, key, e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            progress.Report(new DoctorProgress("hashing blobs", Interlocked.Increment(ref done), total));
        }).ConfigureAwait(false);
        return (corrupt, bytes);
    }
}
