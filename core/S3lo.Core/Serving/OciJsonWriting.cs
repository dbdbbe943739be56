using System.Text.Encodings.Web;
using System.Text.Json;

namespace S3lo.Core.Serving;

/// <summary>
/// Documents this server generates (referrers lists, signature artifacts) are written field by field,
/// compact and in a fixed order: the same inputs give the same bytes, so the same digest.
/// </summary>
internal static class OciJsonWriting
{
    // '+' in media types stays '+' (not \u002B), as every OCI tool writes it.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options)) body(writer);
        return buffer.ToArray();
    }
}
