using System.Text.Json;

namespace S3lo.Core.Bucket;

/// <summary>The complete entries at the start of a history.json cut short (newest first, so the ones worth keeping).</summary>
internal static class HistoryPrefix
{
    public static List<HistoryEntry> Parse(byte[] bytes)
    {
        var entries = new List<HistoryEntry>();
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return entries;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var start = (int)reader.TokenStartIndex;
            if (!reader.TrySkip()) break;
            try
            {
                if (JsonSerializer.Deserialize(bytes.AsSpan(start, (int)reader.BytesConsumed - start), BucketJsonContext.Compact.HistoryEntry) is { } entry)
                    entries.Add(entry);
            }
            catch (JsonException)
            {
                // One damaged entry: skip it, keep the rest.
            }
        }
        return entries;
    }
}
