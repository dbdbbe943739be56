using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3lo.Core.Storage;

namespace S3lo.Providers.S3;

/// <summary>
/// What <c>config recommend</c> reports for an S3 bucket: versioning, a rule that aborts incomplete multipart
/// uploads, tiering. Each setting is one read call; a call the server refuses or does not implement (common on
/// S3-compatible servers, or without s3:GetLifecycleConfiguration) makes that finding "unknown (CODE)" and the
/// others still come back.
/// </summary>
internal static class BucketSettingsAdvisor
{
    public const int AbortAfterDays = 7;

    public static async Task<IReadOnlyList<StorageFinding>> InspectAsync(S3ObjectStore store, CancellationToken ct)
    {
        var versioning = await Read(store, "s3:GetBucketVersioning", async () =>
            (await store.Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = store.Bucket }, ct).ConfigureAwait(false))
                .VersioningConfig?.Status?.Value, ct).ConfigureAwait(false);
        var rules = await Read(store, "s3:GetLifecycleConfiguration", () => LifecycleRulesAsync(store, ct), ct).ConfigureAwait(false);
        var tiering = await Read(store, "s3:GetIntelligentTieringConfiguration", () => ArchiveConfigurationsAsync(store, ct), ct).ConfigureAwait(false);
        return [Versioning(versioning, rules), IncompleteUploads(rules), Tiering(store.Classes.BlobClass, tiering)];
    }

    private static StorageFinding Versioning(Answer<string?> versioning, Answer<List<LifecycleRule>> rules)
    {
        if (versioning.Unknown is { } unknown) return new("versioning", unknown, null);
        var status = versioning.Value is { Length: > 0 } value ? value.ToLowerInvariant() : "off";
        if (status == "off") return new("versioning", "off", null);
        if (rules.Value?.Any(r => Enabled(r) && r.NoncurrentVersionExpiration is not null) == true)
            return new("versioning", status + ", noncurrent versions expire", null);
        return new("versioning", status + (rules.Unknown is { } rulesUnknown ? $", noncurrent version rule {rulesUnknown}" : ", noncurrent versions kept"),
            "add a lifecycle rule with NoncurrentVersionExpiration (e.g. 7 days): with versioning on, every blob clean deletes stays stored and billed as a noncurrent version");
    }

    private static StorageFinding IncompleteUploads(Answer<List<LifecycleRule>> rules)
    {
        const string advice = "add a lifecycle rule with AbortIncompleteMultipartUpload after 7 days: parts of interrupted uploads are billed and no listing shows them";
        if (rules.Unknown is { } unknown) return new("incomplete-uploads", unknown, advice);
        var abort = rules.Value!.Where(Enabled).Select(r => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation).Where(d => d is not null).Min();
        return abort is { } days
            ? new("incomplete-uploads", $"aborted after {days} days", null)
            : new("incomplete-uploads", "no rule", advice);
    }

    private static StorageFinding Tiering(string blobClass, Answer<List<IntelligentTieringConfiguration>> archive)
    {
        if (blobClass != S3StorageClass.IntelligentTiering.Value)
            return new("tiering", $"blobs written as {blobClass}", "leave --storage-class unset: INTELLIGENT_TIERING moves blobs nobody pulls to cheaper tiers by itself");
        if (archive.Unknown is { } unknown) return new("tiering", $"blobs written as {blobClass}, archive configuration {unknown}", null);
        var enabled = archive.Value!.Where(c => c.Status?.Value == "Enabled").Select(c => c.IntelligentTieringId).ToList();
        return enabled.Count == 0
            ? new("tiering", $"blobs written as {blobClass}, no archive configuration", null)
            : new("tiering", $"blobs written as {blobClass}, archive configuration {string.Join(", ", enabled)}",
                "archived blobs cannot be pulled until restored: limit the Intelligent-Tiering archive configuration to images nobody pulls, or remove it");
    }

    private static bool Enabled(LifecycleRule rule) => rule.Status?.Value == "Enabled";

    private static async Task<List<LifecycleRule>> LifecycleRulesAsync(S3ObjectStore store, CancellationToken ct)
    {
        try
        {
            var response = await store.Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = store.Bucket }, ct).ConfigureAwait(false);
            return response.Configuration?.Rules ?? [];
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            return [];
        }
    }

    private static async Task<List<IntelligentTieringConfiguration>> ArchiveConfigurationsAsync(S3ObjectStore store, CancellationToken ct)
    {
        var all = new List<IntelligentTieringConfiguration>();
        var request = new ListBucketIntelligentTieringConfigurationsRequest { BucketName = store.Bucket };
        while (true)
        {
            var response = await store.Client.ListBucketIntelligentTieringConfigurationsAsync(request, ct).ConfigureAwait(false);
            all.AddRange(response.IntelligentTieringConfigurationList ?? []);
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken)) return all;
            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    /// <summary>A setting's value, or "unknown (CODE)" when the server would not say.</summary>
    private readonly record struct Answer<T>(T? Value, string? Unknown);

    private static async Task<Answer<T>> Read<T>(S3ObjectStore store, string action, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return new(await call().ConfigureAwait(false), null);
        }
        catch (AmazonS3Exception e) when (Unanswered(e))
        {
            return new(default, $"unknown ({e.ErrorCode ?? "HTTP " + (int)e.StatusCode})");
        }
        catch (Exception e) when (store.Errors.Translate(e, action, null, ct) is { } error)
        {
            throw error;
        }
    }

    // Refused or not implemented for this one call; a missing bucket, bad credentials or an overloaded server fail the command.
    private static bool Unanswered(AmazonS3Exception e) =>
        e.ErrorCode is not ("NoSuchBucket" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" or "PermanentRedirect" or "AuthorizationHeaderMalformed")
        && (e.StatusCode == HttpStatusCode.NotImplemented || (int)e.StatusCode is >= 400 and < 500);
}
