using System.Text.Json;
using S3lo.Core.Oci;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Tells manifests and indexes apart from configs and other JSON among stored blobs, reading only the
/// top level. Configs carry no schemaVersion, so "schemaVersion 2 plus a manifest shape" is the test.
/// </summary>
internal static class ManifestSniffer
{
    /// <summary>Blobs larger than this are not read to classify them: real manifests are a few KiB.</summary>
    public const int MaxManifestBytes = 256 * 1024;

    public static bool LooksLikeManifest(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxManifestBytes || bytes.IsEmpty || (bytes[0] != (byte)'{' && !char.IsWhiteSpace((char)bytes[0]))) return false;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 32 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            bool schema2 = false, shape = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "schemaVersion":
                        schema2 = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) && version == 2;
                        break;
                    case "mediaType" when reader.TokenType == JsonTokenType.String:
                        var mediaType = reader.GetString();
                        shape |= MediaTypes.IsManifest(mediaType) || MediaTypes.IsIndex(mediaType);
                        break;
                    case "manifests" or "layers" when reader.TokenType == JsonTokenType.StartArray:
                        shape = true;
                        break;
                }
                reader.Skip();
            }
            return schema2 && shape;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
