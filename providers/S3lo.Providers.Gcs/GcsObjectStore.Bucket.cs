using System.Net;
using Google;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Providers.Gcs;

/// <summary>Opening: the bucket must exist, or is created for init.</summary>
public sealed partial class GcsObjectStore : IStoreCreation
{
    public bool Created { get; private set; }

    /// <summary>The bucket's location (US, EU, a region), when its metadata could be read.</summary>
    public string? Location { get; private set; }

    /// <summary>
    /// Fails with a clear line when the bucket is missing (or creates it when asked). Tries the bucket's
    /// metadata first and falls back to listing one object, because roles like storage.objectAdmin may
    /// list objects but not read the bucket.
    /// </summary>
    internal async Task EnsureBucketAsync(bool createIfMissing, string? location, CancellationToken ct)
    {
        bool exists;
        try
        {
            var bucket = await _client.GetBucketAsync(_bucket, new GetBucketOptions { Projection = Projection.NoAcl }, ct).ConfigureAwait(false);
            Location = bucket.Location;
            exists = true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            exists = false;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.Forbidden)
        {
            exists = await ListProbeAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e, "opening the bucket", ct) is { } mapped)
        {
            throw mapped;
        }
        if (exists) return;
        if (!createIfMissing) throw GcsErrors.BucketMissing(_bucket);
        await CreateBucketAsync(location, ct).ConfigureAwait(false);
    }

    private async Task<bool> ListProbeAsync(CancellationToken ct)
    {
        try
        {
            await _client.ListObjectsAsync(_bucket, null, new ListObjectsOptions { PageSize = 1, Fields = "items(name),nextPageToken" })
                .ReadPageAsync(1, ct).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception e) when (Map(e, "opening the bucket", ct) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task CreateBucketAsync(string? location, CancellationToken ct)
    {
        var project = await _connection.ProjectIdAsync(ct).ConfigureAwait(false)
            ?? throw new S3loException($"cannot create GCS bucket {_bucket}: no Google Cloud project is known",
                "set GOOGLE_CLOUD_PROJECT to the project the bucket belongs to");
        try
        {
            var bucket = new Google.Apis.Storage.v1.Data.Bucket { Name = _bucket, Location = string.IsNullOrWhiteSpace(location) ? null : location };
            var created = await _client.CreateBucketAsync(project, bucket, cancellationToken: ct).ConfigureAwait(false);
            (Created, Location) = (true, created.Location);
            _logger.LogInformation("{Store}: created the bucket in project {Project}", DisplayName, project);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile (by us, or a concurrent init), or the name is someone else's: the next call tells.
            if (!await ListProbeAsync(ct).ConfigureAwait(false))
                throw new S3loException($"cannot create GCS bucket {_bucket}: {GcsErrors.Reason(e)}", "bucket names are global: pick another name");
        }
        catch (Exception e) when (Map(e, "creating the bucket in project " + project, ct) is { } mapped)
        {
            throw mapped;
        }
    }
}
