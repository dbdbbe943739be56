namespace S3lo.Core.Storage;

/// <summary>Batch delete for stores without a batch API: single deletes, a bounded number at a time.</summary>
public static class ParallelDeletes
{
    public static async Task<IReadOnlyList<DeleteFailure>> RunAsync(IObjectStore store, IReadOnlyList<string> keys, int parallelism, CancellationToken ct)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<DeleteFailure>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (key, token) =>
        {
            try
            {
                await store.DeleteAsync(key, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(new DeleteFailure(key, e.Message));
            }
        }).ConfigureAwait(false);
        return [.. failures];
    }
}
