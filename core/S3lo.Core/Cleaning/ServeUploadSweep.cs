using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Upload sessions of <c>serve --allow-push</c> (<see cref="BucketLayout.UploadsPrefix"/>) that nothing wrote to for
/// <see cref="StaleAfter"/> (or the grace, when longer): a client that gave up never finishes or cancels them.
/// A session is its objects under <c>s3lo-uploads/&lt;id&gt;/</c>, judged by the newest of them.
/// </summary>
internal static class ServeUploadSweep
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    public static async Task RunAsync(IObjectStore store, DateTimeOffset now, CleanOptions options, ConcurrentQueue<CleanItem> items,
        Action<string> warn, CancellationToken ct)
    {
        var sessions = new Dictionary<string, List<ObjectInfo>>(StringComparer.Ordinal);
        try
        {
            await foreach (var info in store.ListAsync(BucketLayout.UploadsPrefix, ct).ConfigureAwait(false))
            {
                var rest = info.Key[BucketLayout.UploadsPrefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0) continue;
                var session = BucketLayout.UploadsPrefix + rest[..(slash + 1)];
                if (!sessions.TryGetValue(session, out var objects)) sessions[session] = objects = [];
                objects.Add(info);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"serve upload sessions in {store.DisplayName} could not be listed ({e.Message}); none was deleted");
            return;
        }
        var age = options.Grace > StaleAfter ? options.Grace : StaleAfter;
        var stale = sessions.Select(s => (Prefix: s.Key, Objects: s.Value, Last: s.Value.Max(o => o.LastModified)))
            .Where(s => s.Last <= now - age).ToList();
        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (session, token) =>
        {
            string? failure = null;
            if (options.Confirm)
            {
                var failures = await store.DeleteManyAsync([.. session.Objects.Select(o => o.Key)], token).ConfigureAwait(false);
                if (failures.Count > 0) failure = failures[0].Reason;
            }
            items.Enqueue(new CleanItem(CleanCategory.Uploads, session.Prefix, session.Objects.Sum(o => o.Size),
                $"serve upload session, last written {TagPruning.Ago(now - session.Last)} ago", failure));
        }).ConfigureAwait(false);
    }
}
