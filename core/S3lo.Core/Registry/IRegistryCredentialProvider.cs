namespace S3lo.Core.Registry;

/// <summary>
/// Finds credentials for a registry. Implementations: explicit (<c>--creds</c>), the docker config
/// file and its credential helpers, a chain of providers, and — outside core — ECR.
/// </summary>
public interface IRegistryCredentialProvider
{
    /// <summary>
    /// Credentials for <paramref name="registryHost"/> (as references name it: <c>docker.io</c>,
    /// <c>ghcr.io</c>, <c>127.0.0.1:5000</c>), or null to go on anonymously / ask the next provider.
    /// </summary>
    Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct);
}
