using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3lo.Core.Bucket;

[JsonSerializable(typeof(List<HistoryEntry>))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(IndexedLayer))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class BucketJsonContext : JsonSerializerContext
{
    /// <summary>Compact, with '+' and '/' unescaped, and RFC 3339 UTC times like s3lo v1.</summary>
    public static readonly BucketJsonContext Compact = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new Rfc3339UtcConverter() },
        MaxDepth = 16,
    });
}

internal sealed class Rfc3339UtcConverter : JsonConverter<System.DateTimeOffset>
{
    public override System.DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
        && System.DateTimeOffset.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new JsonException("pushed_at is not an RFC 3339 time");

    public override void Write(Utf8JsonWriter writer, System.DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
