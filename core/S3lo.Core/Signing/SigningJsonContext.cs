using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Bucket;

namespace S3lo.Core.Signing;

[JsonSerializable(typeof(SignatureDocument))]
internal sealed partial class SigningJsonContext : JsonSerializerContext
{
    /// <summary>Indented like v1's files, '+' and '/' unescaped (base64), RFC 3339 UTC times.</summary>
    public static readonly SigningJsonContext File = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new Rfc3339UtcConverter() },
        MaxDepth = 8,
    });
}
