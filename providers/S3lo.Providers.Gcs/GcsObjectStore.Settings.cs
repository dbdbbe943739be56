using System.Net;
using Google;
using Google.Apis.Storage.v1.Data;
using Google.Cloud.Storage.V1;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

/// <summary>
/// What <c>config recommend</c> reports for a GCS bucket, all from one bucket read: versioning (with a rule that
/// deletes noncurrent versions), soft delete, incomplete uploads, Autoclass. A read the server refuses (no
/// storage.buckets.get, an emulator without it) makes every finding "unknown (...)".
/// </summary>
public sealed partial class GcsObjectStore : IStorageAdvisor
{
    public async Task<IReadOnlyList<StorageFinding>> InspectSettingsAsync(CancellationToken ct)
    {
        Bucket bucket;
        try
        {
            bucket = await _client.GetBucketAsync(_bucket, new GetBucketOptions { Projection = Projection.NoAcl }, ct).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.NotFound)
        {
            throw GcsErrors.BucketMissing(_bucket);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed)
        {
            var unknown = $"unknown ({(int)e.HttpStatusCode} {GcsErrors.Reason(e)})";
            return [new("versioning", unknown, null), new("soft-delete", unknown, null), new("incomplete-uploads", unknown, null), new("tiering", unknown, null)];
        }
        catch (Exception e) when (Map(e, "reading the bucket's settings", ct) is { } mapped)
        {
            throw mapped;
        }
        var rules = bucket.Lifecycle?.Rule ?? [];
        return [Versioning(bucket, rules), SoftDelete(bucket), IncompleteUploads(rules), Tiering(bucket)];
    }

    private static StorageFinding Versioning(Bucket bucket, IList<Bucket.LifecycleData.RuleData> rules)
    {
        if (bucket.Versioning?.Enabled != true) return new("versioning", "off", null);
        var expires = rules.Any(r => r.Action?.Type == "Delete" && r.Condition is { } c
            && (c.IsLive == false || c.DaysSinceNoncurrentTime is not null || c.NumNewerVersions is not null || c.NoncurrentTimeBefore is not null));
        return expires
            ? new("versioning", "enabled, noncurrent versions expire", null)
            : new("versioning", "enabled, noncurrent versions kept",
                "add a lifecycle rule with action Delete and condition daysSinceNoncurrentTime (e.g. 7): with versioning on, every blob clean deletes stays stored and billed as a noncurrent version");
    }

    private static StorageFinding SoftDelete(Bucket bucket)
    {
        var seconds = bucket.SoftDeletePolicy?.RetentionDurationSeconds ?? 0;
        if (seconds <= 0) return new("soft-delete", "off", null);
        var days = seconds / 86_400.0;
        return new("soft-delete", $"deleted objects kept {days:0.#} days",
            "deleted blobs stay billed for the soft-delete retention: shorten it (softDeletePolicy.retentionDurationSeconds) on a bucket clean prunes often");
    }

    // s3lo writes with resumable uploads, which expire by themselves after a week; the rule matters for XML API (S3-style) multipart uploads.
    private static StorageFinding IncompleteUploads(IList<Bucket.LifecycleData.RuleData> rules)
    {
        var days = rules.Where(r => r.Action?.Type == "AbortIncompleteMultipartUpload").Select(r => r.Condition?.Age).Where(a => a is not null).Min();
        return days is { } age
            ? new("incomplete-uploads", $"aborted after {age} days", null)
            : new("incomplete-uploads", "no rule (s3lo's resumable uploads expire after 7 days by themselves)", null);
    }

    private StorageFinding Tiering(Bucket bucket)
    {
        var defaultClass = bucket.StorageClass ?? "STANDARD";
        if (bucket.Autoclass?.Enabled == true)
            return new("tiering", $"Autoclass on (down to {bucket.Autoclass.TerminalStorageClass ?? "NEARLINE"})", null);
        var written = BlobStorageClass is { } chosen ? $"blobs written as {chosen}" : $"blobs take the default class {defaultClass}";
        return new("tiering", written + ", Autoclass off",
            "turn on Autoclass for the bucket: it moves blobs nobody pulls to cheaper classes by itself, with no retrieval fees");
    }
}
