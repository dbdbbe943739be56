using Azure;
using Azure.Storage.Blobs.Models;
using S3lo.Core.Storage;

namespace S3lo.Providers.Azure;

/// <summary>
/// What <c>config recommend</c> reports for a container from the data plane: soft delete (blob service
/// properties), versioning (whether listed blobs carry version IDs), the access tier blobs are written with, and
/// uncommitted blocks. Lifecycle management policies live in the management plane (Azure Resource Manager), which
/// a storage key or a data role cannot read: the advice names the setting instead. A call the account refuses
/// (a SAS or role without it, an emulator) makes its finding "unknown (...)".
/// </summary>
public sealed partial class AzureObjectStore : IStorageAdvisor
{
    private const string LifecycleSetting = "the storage account's Lifecycle management policy (Azure portal: Data management > Lifecycle management)";

    public async Task<IReadOnlyList<StorageFinding>> InspectSettingsAsync(CancellationToken ct)
    {
        var retention = await ReadAsync(async () => (await _service.GetPropertiesAsync(ct).ConfigureAwait(false)).Value.DeleteRetentionPolicy, "read the blob service properties of", ct)
            .ConfigureAwait(false);
        var versioned = await ReadAsync(() => FirstBlobVersionedAsync(ct), "list the blob versions of", ct).ConfigureAwait(false);
        var sku = await ReadAsync(async () => (await _service.GetAccountInfoAsync(ct).ConfigureAwait(false)).Value.SkuName, "read the account information of", ct)
            .ConfigureAwait(false);
        return [SoftDelete(retention), Versioning(versioned), IncompleteUploads(), Tiering(sku)];
    }

    private static StorageFinding SoftDelete(Answer<BlobRetentionPolicy> retention)
    {
        if (retention.Unknown is { } unknown) return new("soft-delete", unknown, null);
        if (retention.Value is not { Enabled: true } policy) return new("soft-delete", "off", null);
        return new("soft-delete", $"deleted blobs kept {policy.Days} days",
            "deleted blobs stay billed for the soft-delete retention: shorten 'Enable soft delete for blobs' (Data protection) on an account clean prunes often");
    }

    private static StorageFinding Versioning(Answer<bool?> versioned)
    {
        if (versioned.Unknown is { } unknown) return new("versioning", unknown, null);
        return versioned.Value switch
        {
            true => new("versioning", "enabled",
                $"add a rule deleting previous versions after a few days to {LifecycleSetting}: with versioning on, every blob clean deletes stays billed as a previous version"),
            false => new("versioning", "off", null),
            null => new("versioning", "unknown (the container holds no blob to tell by)", null),
        };
    }

    private static StorageFinding IncompleteUploads() =>
        new("incomplete-uploads", "uncommitted blocks are discarded by the service after 7 days", null);

    private StorageFinding Tiering(Answer<SkuName> sku)
    {
        if (sku.Unknown is null && sku.Value is var name && name.ToString().StartsWith("Premium", StringComparison.Ordinal))
            return new("tiering", $"premium account ({name}): no access tiers", null);
        return new("tiering", $"blobs written to the {BlobTier} tier; lifecycle rules not readable from the data plane",
            $"to move blobs nobody pulls to the Cold tier, add a rule on days since last access to {LifecycleSetting}");
    }

    /// <summary>True when the first blob listed has a version ID; null for an empty container.</summary>
    private async Task<bool?> FirstBlobVersionedAsync(CancellationToken ct)
    {
        await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Version }, ct).AsPages(pageSizeHint: 1).ConfigureAwait(false))
        {
            foreach (var item in page.Values) return item.VersionId is not null;
            if (page.ContinuationToken is null) break;
        }
        return null;
    }

    /// <summary>A setting's value, or "unknown (CODE)" when the service would not say.</summary>
    private readonly record struct Answer<T>(T? Value, string? Unknown);

    private async Task<Answer<T>> ReadAsync<T>(Func<Task<T>> call, string operation, CancellationToken ct)
    {
        try
        {
            return new(await call().ConfigureAwait(false), null);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 403 or 405 or 501 && e.ErrorCode != BlobErrorCode.ContainerNotFound.ToString())
        {
            return new(default, $"unknown ({e.ErrorCode ?? "HTTP " + e.Status})");
        }
        catch (Exception e) when (Translate(e, operation, null, ct) is { } mapped)
        {
            throw mapped;
        }
    }
}
