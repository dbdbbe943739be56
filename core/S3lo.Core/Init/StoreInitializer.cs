using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Core.Init;

/// <summary>
/// Makes a store usable: refuses a bucket that holds other things (unless forced), checks read, write
/// and delete access with a probe object, and writes the default s3lo.yaml unless one exists.
/// </summary>
public static class StoreInitializer
{
    public const string DefaultConfig = """
        # s3lo bucket configuration: see docs/config.md. Durations: 90d, 12h, 1m30s, 500ms.
        default:
          immutable: false
          lifecycle:
            keep_last: 10
            max_age: 90d

        """;

    /// <summary>Keys only s3lo writes: one of these makes a bucket a store (a v1 store may lack s3lo.yaml).</summary>
    private static readonly string[] StorePrefixes = [BucketLayout.ManifestsPrefix, BucketLayout.BlobsPrefix];

    /// <param name="force">Make a store of a bucket that holds other objects.</param>
    public static async Task<InitReport> InitializeAsync(IObjectStore store, bool force, CancellationToken ct)
    {
        var (contents, firstOther) = await ExamineAsync(store, ct).ConfigureAwait(false);
        if (contents == StoreContents.Other && !force)
            throw new S3loException($"{store.DisplayName} is not empty and not an s3lo store (it holds '{firstOther}'); nothing was written",
                "use an empty bucket, or add --force to keep those objects and make it a store anyway");
        var (probeKey, deleteRefused) = await AccessProbe.RunAsync(store, ct).ConfigureAwait(false);
        var wrote = await WriteDefaultConfigAsync(store, ct).ConfigureAwait(false);
        var creation = store as IStoreCreation;
        return new InitReport(store.DisplayName, creation?.Created ?? false, creation?.Location, contents,
            contents == StoreContents.Other ? firstOther : null, wrote, deleteRefused, probeKey);
    }

    /// <summary>A store has s3lo.yaml, tags or blobs; otherwise the first object listed (an earlier probe aside) makes it "other".</summary>
    private static async Task<(StoreContents, string?)> ExamineAsync(IObjectStore store, CancellationToken ct)
    {
        if (await store.HeadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false) is not null) return (StoreContents.Store, null);
        foreach (var prefix in StorePrefixes)
        {
            if (await FirstKeyAsync(store, prefix, ct).ConfigureAwait(false) is not null) return (StoreContents.Store, null);
        }
        var first = await FirstKeyAsync(store, "", ct).ConfigureAwait(false);
        return first is null ? (StoreContents.Empty, null) : (StoreContents.Other, first);
    }

    private static async Task<string?> FirstKeyAsync(IObjectStore store, string prefix, CancellationToken ct)
    {
        // Stops at the first hit: a huge foreign bucket costs one listing page.
        await foreach (var info in store.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            if (!info.Key.StartsWith(AccessProbe.Prefix, StringComparison.Ordinal)) return info.Key;
        }
        return null;
    }

    /// <returns>True when the config was written, false when one was already there.</returns>
    private static async Task<bool> WriteDefaultConfigAsync(IObjectStore store, CancellationToken ct)
    {
        if (await store.HeadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false) is not null) return false;
        var bytes = System.Text.Encoding.UTF8.GetBytes(DefaultConfig);
        using var content = new MemoryStream(bytes, writable: false);
        try
        {
            await store.PutAsync(BucketLayout.ConfigKey, content, bytes.Length,
                PutOptions.Metadata with { ContentType = "application/yaml", Condition = WriteCondition.IfAbsent }, ct).ConfigureAwait(false);
            return true;
        }
        catch (PreconditionFailedException)
        {
            return false; // someone initialized it at the same moment: theirs stands
        }
    }
}
