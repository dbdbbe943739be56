using System.Collections.Concurrent;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>Incomplete uploads older than the grace: parts that cost money and no listing shows.</summary>
internal static class UploadSweep
{
    public static async Task RunAsync(IObjectStore store, DateTimeOffset now, CleanOptions options, ConcurrentQueue<CleanItem> items,
        Action<string> warn, CancellationToken ct)
    {
        if (store is not IIncompleteUploads uploads) return;
        var old = new List<IncompleteUpload>();
        try
        {
            await foreach (var upload in uploads.ListIncompleteUploadsAsync(ct).ConfigureAwait(false))
                if (upload.Initiated <= now - options.Grace) old.Add(upload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"incomplete uploads in {store.DisplayName} could not be listed ({e.Message}); none was aborted");
            return;
        }
        await Parallel.ForEachAsync(old, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (upload, token) =>
        {
            string? failure = null;
            if (options.Confirm)
            {
                try
                {
                    await uploads.AbortAsync(upload, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e.Message;
                }
            }
            items.Enqueue(new CleanItem(CleanCategory.Uploads, upload.Key, upload.Size ?? 0,
                $"incomplete upload {upload.UploadId}, started {TagPruning.Ago(now - upload.Initiated)} ago", failure));
        }).ConfigureAwait(false);
    }
}
