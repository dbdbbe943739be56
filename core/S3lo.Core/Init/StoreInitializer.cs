using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Init;

/// <summary>Makes a store usable: writes the default s3lo.yaml unless one exists, and checks read/write access.</summary>
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

    /// <returns>True when a config was written, false when one was already there.</returns>
    public static async Task<bool> InitializeAsync(IObjectStore store, CancellationToken ct)
    {
        var wrote = false;
        if (await store.HeadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false) is null)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(DefaultConfig);
            using var content = new MemoryStream(bytes, writable: false);
            try
            {
                await store.PutAsync(BucketLayout.ConfigKey, content, bytes.Length,
                    PutOptions.Metadata with { ContentType = "application/yaml", Condition = WriteCondition.IfAbsent }, ct).ConfigureAwait(false);
                wrote = true;
            }
            catch (PreconditionFailedException)
            {
                // Someone initialized it at the same moment: theirs stands.
            }
        }
        await using var check = await store.OpenReadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false);
        return wrote;
    }
}
