namespace S3lo.Core.Registry;

/// <summary>
/// Credentials the user typed (<c>--creds</c>, <c>--src-creds</c>, <c>--dest-creds</c>): given for
/// every registry the client talks to, or only for <paramref name="onlyForRegistry"/> when one is named.
/// </summary>
public sealed class StaticCredentialProvider(RegistryCredential credential, string? onlyForRegistry = null) : IRegistryCredentialProvider
{
    public Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) =>
        Task.FromResult(onlyForRegistry is null || string.Equals(onlyForRegistry, registryHost, StringComparison.OrdinalIgnoreCase)
            ? credential
            : null);
}
