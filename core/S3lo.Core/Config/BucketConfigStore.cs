using System.Text;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Core.Config;

/// <summary>Reads and updates a bucket's s3lo.yaml so that two machines editing it at once never lose an update.</summary>
public static class BucketConfigStore
{
    /// <summary>Enough for many simultaneous editors: each lost round means another writer's update landed.</summary>
    public const int MaxAttempts = 20;

    private static readonly PutOptions YamlPut = PutOptions.Metadata with { ContentType = "application/yaml" };

    /// <summary>The config, its text and version tag; a bucket with no s3lo.yaml gives <see cref="BucketConfig.Empty"/> and a null tag.</summary>
    /// <exception cref="ConfigException">The file is invalid or over 1 MiB.</exception>
    public static async Task<StoredConfig> ReadAsync(IObjectStore store, CancellationToken ct)
    {
        // The version tag is taken first: should the file change before it is read, the write that
        // follows fails its condition and the edit is made again on the newer text.
        var head = await store.HeadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false);
        if (head is null) return new StoredConfig(BucketConfig.Empty, "", null);
        BucketConfigParser.CheckSize(head.Size, BucketLayout.ConfigKey);
        string text;
        try
        {
            text = await ReadTextAsync(store, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Deleted between the head and the read: a bucket without a config.
            return new StoredConfig(BucketConfig.Empty, "", null);
        }
        try
        {
            return new StoredConfig(BucketConfigParser.Parse(text, BucketLayout.ConfigKey), text, head.ETag);
        }
        catch (ConfigException e)
        {
            throw new ConfigException(e.Message, $"fix {BucketLayout.ConfigKey} in {store.DisplayName} by hand; docs/config.md lists every key");
        }
    }

    /// <summary>
    /// Applies <paramref name="edit"/> (current text → new text) and writes the result only while the file
    /// is still the one that was read (If-Match, or If-None-Match when there was none). When another writer
    /// got there first, the file is read again and the edit applied to the new text. The result is parsed
    /// before it is written: an invalid config is never saved.
    /// </summary>
    /// <returns>What was written (or the unchanged file when the edit changed nothing).</returns>
    /// <exception cref="S3loException">Other writers kept winning for <see cref="MaxAttempts"/> rounds.</exception>
    public static async Task<StoredConfig> UpdateAsync(IObjectStore store, Func<string, string> edit, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(store, ct).ConfigureAwait(false);
            var text = edit(current.Text);
            if (text == current.Text) return current;
            var config = BucketConfigParser.Parse(text, BucketLayout.ConfigKey);
            var bytes = Encoding.UTF8.GetBytes(text);
            var condition = current.ETag is { } etag ? WriteCondition.IfMatch(etag) : WriteCondition.IfAbsent;
            try
            {
                using var content = new MemoryStream(bytes, writable: false);
                var written = await store.PutAsync(BucketLayout.ConfigKey, content, bytes.Length, YamlPut with { Condition = condition }, ct)
                    .ConfigureAwait(false);
                return new StoredConfig(config, text, written.ETag);
            }
            catch (PreconditionFailedException) when (attempt < MaxAttempts)
            {
                // Another writer's update landed first: back off a little (with jitter, so the losers
                // do not collide again in step) and apply this edit to their result.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(attempt, 10))), ct).ConfigureAwait(false);
            }
            catch (PreconditionFailedException)
            {
                throw new S3loException($"{store.DisplayName}: {BucketLayout.ConfigKey} kept changing under {MaxAttempts} attempts to update it",
                    "other machines are editing the config right now: run the command again");
            }
        }
    }

    private static async Task<string> ReadTextAsync(IObjectStore store, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(BucketLayout.ConfigKey, ct).ConfigureAwait(false);
        // Bounded even if the object grew since its head: never more than the limit plus one byte in memory.
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            BucketConfigParser.CheckSize(buffer.Length, BucketLayout.ConfigKey);
        }
        return new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }
}
