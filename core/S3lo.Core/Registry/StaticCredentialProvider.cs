namespace S3lo.Core.Registry;

/// <summary>
/// Credentials the user typed (<c>--creds</c>, <c>--src-creds</c>, <c>--dest-creds</c>), given only
/// to <paramref name="onlyForRegistry"/> (the host a reference names, e.g. <c>ghcr.io</c>), or — when
/// null, for tests and single-registry callers — to every registry the client talks to.
/// </summary>
public sealed class StaticCredentialProvider(RegistryCredential credential, string? onlyForRegistry = null) : IRegistryCredentialProvider
{
    public Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) =>
        Task.FromResult(onlyForRegistry is null || string.Equals(onlyForRegistry, registryHost, StringComparison.OrdinalIgnoreCase)
            ? credential
            : null);
}
