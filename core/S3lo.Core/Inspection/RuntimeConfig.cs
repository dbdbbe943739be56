using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3lo.Core.Inspection;

/// <summary>The run settings an image config holds under <c>config</c> (what <c>docker inspect</c> shows as Config).</summary>
public sealed record RuntimeConfig
{
    [JsonPropertyName("Labels")] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [JsonPropertyName("Entrypoint")] public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Cmd")] public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("Env")] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; init; }

    /// <summary>The <c>config</c> object of an image config; null when absent or not what the spec says (inspect shows the rest).</summary>
    public static RuntimeConfig? Read(byte[] configBytes)
    {
        try
        {
            return JsonSerializer.Deserialize(configBytes, RuntimeConfigJsonContext.Default.RuntimeConfigDocument)?.Config;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record RuntimeConfigDocument
{
    [JsonPropertyName("config")] public RuntimeConfig? Config { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, MaxDepth = 64)]
[JsonSerializable(typeof(RuntimeConfigDocument))]
internal sealed partial class RuntimeConfigJsonContext : JsonSerializerContext;
