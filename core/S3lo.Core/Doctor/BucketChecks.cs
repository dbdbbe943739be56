using System.Text.Json;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Core.Doctor;

/// <summary>The checks of things beside the images: s3lo.yaml, incomplete uploads, running-clean markers, a tag's history.</summary>
internal static class BucketChecks
{
    // As RunningCleans: a marker whose times cannot be read counts as live this long after it was written.
    private static readonly TimeSpan UnreadableMarkerLife = TimeSpan.FromHours(1);

    public static async Task<DoctorFinding?> ConfigAsync(IObjectStore store, CancellationToken ct)
    {
        try
        {
            await BucketConfigStore.ReadAsync(store, ct).ConfigureAwait(false);
            return null;
        }
        catch (ConfigException e)
        {
            return DoctorFinding.Error("invalid-config", BucketLayout.ConfigKey, e.Message,
                e.Hint ?? $"fix {BucketLayout.ConfigKey} by hand; docs/config.md lists every key");
        }
    }

    public static async Task<DoctorFinding?> UploadsAsync(IObjectStore store, DateTimeOffset now, string bucketName, CancellationToken ct)
    {
        if (store is not IIncompleteUploads uploads) return null;
        var found = new List<IncompleteUpload>();
        try
        {
            await foreach (var upload in uploads.ListIncompleteUploadsAsync(ct).ConfigureAwait(false)) found.Add(upload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return DoctorFinding.Warning("uploads-unlisted", "", $"incomplete uploads could not be listed ({e.Message})",
                "check that the credentials may list multipart uploads");
        }
        if (found.Count == 0) return null;
        var bytes = found.Sum(u => u.Size ?? 0);
        var oldest = now - found.Min(u => u.Initiated);
        return DoctorFinding.Warning("incomplete-uploads", found.Count == 1 ? found[0].Key : "",
            $"{Count(found.Count, "incomplete upload")} ({bytes} bytes) left by interrupted pushes, the oldest started {TagPruning.Ago(oldest)} ago",
            $"s3lo clean {bucketName} --blobs --confirm (it aborts those older than its --grace, 1h by default)");
    }

    public static async Task<List<DoctorFinding>> StaleMarkersAsync(ImageBucket bucket, DateTimeOffset now, CancellationToken ct)
    {
        var findings = new List<DoctorFinding>();
        await foreach (var info in bucket.Store.ListAsync(BucketLayout.RunningCleansPrefix, ct).ConfigureAwait(false))
        {
            if (!info.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
            var expires = await ExpiresAtAsync(bucket, info, ct).ConfigureAwait(false);
            if (expires is { } at && at < now)
                findings.Add(DoctorFinding.Warning("stale-clean-marker", info.Key,
                    $"the running-clean marker {info.Key} expired {TagPruning.Ago(now - at)} ago: a clean was stopped before it could remove it",
                    $"delete the object {info.Key} with the store's own tools (pushes already ignore it)"));
        }
        return findings;
    }

    private static async Task<DateTimeOffset?> ExpiresAtAsync(ImageBucket bucket, ObjectInfo info, CancellationToken ct)
    {
        var unreadable = info.LastModified + UnreadableMarkerLife;
        try
        {
            var bytes = await SmallObjects.ReadAsync(bucket, info.Key, info.Size, ct).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, RunningCleanJsonContext.Default.RunningCleanMarker)?.ExpiresAt ?? unreadable;
        }
        catch (ObjectNotFoundException)
        {
            return null; // the clean finished between the listing and the read
        }
        catch (Exception e) when (e is JsonException or S3loException)
        {
            return unreadable;
        }
    }

    /// <summary>A tag's history.json: missing, or not the JSON list s3lo writes.</summary>
    public static async Task<DoctorFinding?> HistoryAsync(ImageBucket bucket, string repository, string tag, string bucketName, CancellationToken ct)
    {
        var key = BucketLayout.HistoryKey(repository, tag);
        var fix = $"push or copy {repository}:{tag} again: the push starts a new history";
        string? problem;
        try
        {
            var bytes = await bucket.ReadAllAsync(key, ct).ConfigureAwait(false);
            problem = JsonSerializer.Deserialize(bytes, BucketJsonContext.Compact.ListHistoryEntry) is null ? "it is null" : null;
        }
        catch (ObjectNotFoundException)
        {
            return DoctorFinding.Warning("missing-history", key, $"{repository}:{tag} has no {BucketLayout.HistoryFileName}", fix);
        }
        catch (JsonException e)
        {
            problem = e.Message;
        }
        catch (S3loException e)
        {
            problem = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw DoctorFailure.ReadFailed(bucketName, key, e);
        }
        return problem is null ? null
            : DoctorFinding.Warning("unparsable-history", key, $"{key} cannot be parsed: {problem}", fix);
    }

    public static string Count(long n, string singular) => n == 1 ? $"1 {singular}" : $"{n} {singular}s";
}
