using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Storage;

namespace S3lo.Core.Bucket;

/// <summary>
/// The writer's half of clean's protocol: a running clean keeps a marker under
/// <see cref="BucketLayout.RunningCleansPrefix"/> from before its last reachability check until its deletes
/// are done. A writer that committed a tag waits for every live marker to go; after that no clean can delete
/// a blob the tag references (a clean that starts later sees the tag), so one check of the blobs suffices.
/// </summary>
public sealed class RunningCleans(ImageBucket bucket, TimeProvider clock)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // A marker whose times cannot be read (damaged, another tool's) counts as live this long after it was written.
    private static readonly TimeSpan UnreadableMarkerLife = TimeSpan.FromHours(1);
    private const int MaxMarkerBytes = 64 << 10;

    /// <summary>Returns once no unexpired marker is left; <paramref name="waiting"/> is called once if it has to wait.</summary>
    public async Task WaitAsync(Action waiting, CancellationToken ct)
    {
        var told = false;
        while (await AnyLiveAsync(ct).ConfigureAwait(false))
        {
            if (!told) waiting();
            told = true;
            await Task.Delay(PollInterval, clock, ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnyLiveAsync(CancellationToken ct)
    {
        await foreach (var info in bucket.Store.ListAsync(BucketLayout.RunningCleansPrefix, ct).ConfigureAwait(false))
        {
            if (!info.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
            if (await ExpiresAtAsync(info, ct).ConfigureAwait(false) > clock.GetUtcNow()) return true;
        }
        return false;
    }

    private async Task<DateTimeOffset> ExpiresAtAsync(ObjectInfo info, CancellationToken ct)
    {
        var unreadable = info.LastModified + UnreadableMarkerLife;
        if (info.Size > MaxMarkerBytes) return unreadable;
        try
        {
            var bytes = await bucket.ReadAllAsync(info.Key, ct).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, RunningCleanJsonContext.Default.RunningCleanMarker)?.ExpiresAt ?? unreadable;
        }
        catch (ObjectNotFoundException)
        {
            return DateTimeOffset.MinValue; // the clean finished between the listing and the read
        }
        catch (JsonException)
        {
            return unreadable;
        }
    }
}

/// <summary>
/// <c>s3lo-gc/running/&lt;run id&gt;.json</c>: who is cleaning, since when, and until when the marker counts.
/// Written by clean (docs/clean.md), read here. Past <see cref="ExpiresAt"/> it is a leftover of a killed run.
/// </summary>
public sealed record RunningCleanMarker
{
    [JsonPropertyName("run")] public string Run { get; init; } = "";
    [JsonPropertyName("started_at")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset? ExpiresAt { get; init; }
}

[JsonSerializable(typeof(RunningCleanMarker))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class RunningCleanJsonContext : JsonSerializerContext;
