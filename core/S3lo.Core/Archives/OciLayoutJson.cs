using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Oci;

namespace S3lo.Core.Archives;

/// <summary>Source-generated JSON for the layout's own files: <c>oci-layout</c> and <c>index.json</c> (with ref-name annotations).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OciLayoutFile))]
[JsonSerializable(typeof(ImageIndex))]
internal sealed partial class OciLayoutJsonContext : JsonSerializerContext
{
    // Compact like skopeo writes it; '+' in media types stays '+'.
    public static readonly OciLayoutJsonContext Writer = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public static readonly OciLayoutJsonContext Reader = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 32,
    });
}
