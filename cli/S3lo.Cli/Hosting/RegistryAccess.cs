using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Cli.Hosting;

/// <summary>Registry client options for each end of a copy, from the flags: TLS, and who to log in as.</summary>
public sealed class RegistryAccess(RegistryClientOptions source, RegistryClientOptions destination)
{
    public RegistryClientOptions SourceOptions { get; } = source;
    public RegistryClientOptions DestinationOptions { get; } = destination;

    public static RegistryAccess From(bool insecure, string? tlsVerify, string? creds, string? sourceCreds, string? destinationCreds,
        IEnumerable<IRegistryCredentialProvider> extraProviders, ILogger logger)
    {
        var skipTls = insecure || tlsVerify switch
        {
            null or "true" => false,
            "false" => true,
            _ => throw new UsageException($"--tls-verify '{tlsVerify}' is not true or false"),
        };
        if (creds is not null && (sourceCreds is not null || destinationCreds is not null))
            throw new UsageException("give --creds, or --src-creds/--dest-creds, not both");
        var extra = extraProviders.ToList();
        RegistryClientOptions Options(string? text, string option) => new()
        {
            Insecure = skipTls,
            Credentials = ChainCredentialProvider.Default(text is null ? null : RegistryCredential.ParseUserPassword(text, option), extra),
            Logger = logger,
            UserAgent = "s3lo/" + typeof(RegistryAccess).Assembly.GetName().Version?.ToString(3),
        };
        return new RegistryAccess(Options(sourceCreds ?? creds, sourceCreds is null ? "--creds" : "--src-creds"),
            Options(destinationCreds ?? creds, destinationCreds is null ? "--creds" : "--dest-creds"));
    }
}
