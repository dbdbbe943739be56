namespace S3lo.Core.Registry;

/// <summary>Asks providers in order; the first credential found wins.</summary>
public sealed class ChainCredentialProvider(params IReadOnlyList<IRegistryCredentialProvider> providers) : IRegistryCredentialProvider
{
    public async Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct)
    {
        foreach (var provider in providers)
        {
            var credential = await provider.GetAsync(registryHost, ct).ConfigureAwait(false);
            if (credential is not null) return credential;
        }
        return null;
    }

    /// <summary>
    /// The usual order for a copy end: the logins the user typed (each bound to its registry
    /// host), then any extra providers (ECR lives outside core), then <c>~/.docker/config.json</c>.
    /// </summary>
    public static IRegistryCredentialProvider Default(IReadOnlyList<IRegistryCredentialProvider> typed, IReadOnlyList<IRegistryCredentialProvider> extra) =>
        new ChainCredentialProvider([.. typed, .. extra, new DockerConfigCredentialProvider()]);
}
