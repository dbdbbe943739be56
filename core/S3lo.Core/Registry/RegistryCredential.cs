using S3lo.Core.Errors;

namespace S3lo.Core.Registry;

/// <summary>
/// A user name and password, an OAuth2 identity (refresh) token, or a ready bearer token. Its
/// <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed class RegistryCredential
{
    public RegistryCredential(string? username, string? password, string? identityToken = null, string? registryToken = null)
    {
        Username = username;
        Password = password;
        IdentityToken = string.IsNullOrEmpty(identityToken) ? null : identityToken;
        RegistryToken = string.IsNullOrEmpty(registryToken) ? null : registryToken;
    }

    public string? Username { get; }
    public string? Password { get; }

    /// <summary>A refresh token exchanged at the token server (docker login with an identity provider).</summary>
    public string? IdentityToken { get; }

    /// <summary>A bearer token sent as it is.</summary>
    public string? RegistryToken { get; }

    public bool HasUserPassword => !string.IsNullOrEmpty(Username) && Password is not null;

    /// <summary>
    /// Parses <c>USER:PASSWORD</c> as typed after <paramref name="option"/> (<c>--creds</c>,
    /// <c>--src-creds</c>, <c>--dest-creds</c>); the password may contain ':'.
    /// </summary>
    public static RegistryCredential ParseUserPassword(string text, string option = "--creds")
    {
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0)
            throw new UsageException($"{option} must be USER:PASSWORD", $"for example {option} myuser:mytoken (the password may contain ':')");
        return new RegistryCredential(text[..colon], text[(colon + 1)..]);
    }

    public override string ToString() =>
        $"RegistryCredential(user={Username ?? "-"}, password={(Password is null ? "-" : "***")}, identityToken={(IdentityToken is null ? "-" : "***")}, registryToken={(RegistryToken is null ? "-" : "***")})";
}
