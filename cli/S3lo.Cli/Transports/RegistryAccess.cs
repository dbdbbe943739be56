using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Cli.Transports;

/// <summary>Registry client options for each end of a copy, from the flags: TLS, and who to log in as.</summary>
public sealed class RegistryAccess(RegistryClientOptions source, RegistryClientOptions destination)
{
    public RegistryClientOptions SourceOptions { get; } = source;
    public RegistryClientOptions DestinationOptions { get; } = destination;

    /// <param name="sourceRegistry">The source's registry host (<c>docker.io</c>, <c>127.0.0.1:5000</c>), null when it is not a registry.</param>
    /// <param name="destinationRegistry">The same for the destination.</param>
    public static RegistryAccess From(bool insecure, string? tlsVerify, string? creds, string? sourceCreds, string? destinationCreds,
        string? sourceRegistry, string? destinationRegistry, IEnumerable<IRegistryCredentialProvider> extraProviders, ILogger logger)
    {
        var skipTls = insecure || tlsVerify switch
        {
            null or "true" => false,
            "false" => true,
            _ => throw new UsageException($"--tls-verify '{tlsVerify}' is not true or false"),
        };
        var logins = CredentialBinding.Bind(creds, sourceCreds, destinationCreds, sourceRegistry, destinationRegistry);
        var extra = extraProviders.ToList();
        RegistryClientOptions Options(IReadOnlyList<IRegistryCredentialProvider> typed) => new()
        {
            Insecure = skipTls,
            Credentials = ChainCredentialProvider.Default(typed, extra),
            Logger = logger,
            UserAgent = "s3lo/" + typeof(RegistryAccess).Assembly.GetName().Version?.ToString(3),
        };
        return new RegistryAccess(Options(logins.ForSource), Options(logins.ForDestination));
    }
}
