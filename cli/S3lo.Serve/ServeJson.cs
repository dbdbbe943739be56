using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3lo.Serve;

public sealed record RegistryErrorBody(IReadOnlyList<RegistryErrorItem> Errors);

public sealed record RegistryErrorItem(string Code, string Message);

public sealed record TagList(string Name, IReadOnlyList<string> Tags);

public sealed record Catalog(IReadOnlyList<string> Repositories);

public sealed record EmptyBody;

/// <summary>Source-generated JSON for every body the registry writes (AOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RegistryErrorBody))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(Catalog))]
[JsonSerializable(typeof(EmptyBody))]
internal sealed partial class ServeJsonContext : JsonSerializerContext
{
    /// <summary>Messages quote names ('UPPER'): written as they are, not as \u0027, which is still valid JSON.</summary>
    public static ServeJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
