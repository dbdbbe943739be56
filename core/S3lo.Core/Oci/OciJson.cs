using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Errors;

namespace S3lo.Core.Oci;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(Descriptor))]
internal sealed partial class OciJsonContext : JsonSerializerContext;

/// <summary>Reading untrusted OCI JSON (size-limited) and writing generated documents deterministically.</summary>
public static class OciJson
{
    /// <summary>Registries cap manifests at 4 MiB; configs get the same bound here.</summary>
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    // Relaxed escaping keeps '+' in media types as '+', not \u002B, like every other tool writes them.
    private static readonly OciJsonContext Writer = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    });

    private static readonly OciJsonContext Reader = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    });

    public static byte[] Serialize(ImageManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Writer.ImageManifest);
    public static byte[] Serialize(ImageIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, Writer.ImageIndex);

    public static ImageManifest ParseManifest(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.ImageManifest);
    public static ImageIndex ParseIndex(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.ImageIndex);
    public static ImageConfig ParseConfig(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.ImageConfig);

    private static T Parse<T>(ReadOnlySpan<byte> json, string what, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (json.Length > MaxDocumentBytes)
            throw new S3loException($"{what} is {json.Length} bytes, over the {MaxDocumentBytes}-byte limit for JSON documents");
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new S3loException($"{what} is empty JSON (null)");
        }
        catch (JsonException e)
        {
            throw new S3loException($"{what} is not valid JSON: {e.Message}", inner: e);
        }
    }
}
