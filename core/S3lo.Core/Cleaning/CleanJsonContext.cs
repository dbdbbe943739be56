using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Bucket;

namespace S3lo.Core.Cleaning;

[JsonSerializable(typeof(RunningCleanMarker))]
internal sealed partial class CleanJsonContext : JsonSerializerContext
{
    /// <summary>RFC 3339 UTC times, as history.json has them.</summary>
    public static readonly CleanJsonContext Compact = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new Rfc3339UtcConverter() },
        MaxDepth = 8,
    });
}
