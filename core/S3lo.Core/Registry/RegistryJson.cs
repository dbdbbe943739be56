using System.Text.Json;
using System.Text.Json.Serialization;
using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>The JSON shapes a registry, a token server, a docker config file or a credential helper sends.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OciErrorResponse))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(DockerConfigFile))]
[JsonSerializable(typeof(CredentialHelperOutput))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

internal static class RegistryJson
{
    /// <summary>Token responses, error bodies, tag lists and config files are small; anything bigger is refused.</summary>
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    private static readonly RegistryJsonContext Reader = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 32,
    });

    public static T Parse<T>(ReadOnlySpan<byte> json, string what, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (json.Length > MaxDocumentBytes)
            throw new S3loException($"{what} is {json.Length} bytes, over the {MaxDocumentBytes}-byte limit");
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new S3loException($"{what} is empty JSON (null)");
        }
        catch (JsonException e)
        {
            throw new S3loException($"{what} is not valid JSON: {e.Message}", inner: e);
        }
    }

    public static TokenResponse ParseToken(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.TokenResponse);
    public static TagList ParseTags(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.TagList);
    public static DockerConfigFile ParseDockerConfig(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.DockerConfigFile);
    public static CredentialHelperOutput ParseHelperOutput(ReadOnlySpan<byte> json, string what) => Parse(json, what, Reader.CredentialHelperOutput);

    /// <summary>An OCI error body, or null when the body is not one.</summary>
    public static OciErrorResponse? TryParseErrors(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty || json.Length > MaxDocumentBytes) return null;
        try
        {
            return JsonSerializer.Deserialize(json, Reader.OciErrorResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A token server's answer (distribution token spec and OAuth2 both).</summary>
internal sealed record TokenResponse
{
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("access_token")] public string? AccessToken { get; init; }
    [JsonPropertyName("expires_in")] public long? ExpiresIn { get; init; }
    [JsonPropertyName("issued_at")] public string? IssuedAt { get; init; }
    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; init; }
}

internal sealed record OciErrorResponse
{
    [JsonPropertyName("errors")] public IReadOnlyList<OciError?>? Errors { get; init; }
}

internal sealed record OciError
{
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

internal sealed record TagList
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string?>? Tags { get; init; }
}

/// <summary>The parts of <c>~/.docker/config.json</c> that hold credentials.</summary>
internal sealed record DockerConfigFile
{
    [JsonPropertyName("auths")] public Dictionary<string, DockerAuthEntry?>? Auths { get; init; }
    [JsonPropertyName("credHelpers")] public Dictionary<string, string?>? CredHelpers { get; init; }
    [JsonPropertyName("credsStore")] public string? CredsStore { get; init; }
}

internal sealed record DockerAuthEntry
{
    [JsonPropertyName("auth")] public string? Auth { get; init; }
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("password")] public string? Password { get; init; }
    [JsonPropertyName("identitytoken")] public string? IdentityToken { get; init; }
    [JsonPropertyName("registrytoken")] public string? RegistryToken { get; init; }

    // Never print secrets, even in a debugger or a test failure.
    public override string ToString() => $"DockerAuthEntry {{ Username = {Username} }}";
}

/// <summary>What <c>docker-credential-NAME get</c> prints.</summary>
internal sealed record CredentialHelperOutput
{
    [JsonPropertyName("ServerURL")] public string? ServerUrl { get; init; }
    [JsonPropertyName("Username")] public string? Username { get; init; }
    [JsonPropertyName("Secret")] public string? Secret { get; init; }

    public override string ToString() => $"CredentialHelperOutput {{ ServerURL = {ServerUrl}, Username = {Username} }}";
}
