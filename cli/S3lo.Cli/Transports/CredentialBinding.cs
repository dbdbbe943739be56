using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Cli.Transports;

/// <summary>
/// Binds the typed logins to registry hosts, so a secret reaches only the registry it was given
/// for: <c>--src-creds</c> and <c>--dest-creds</c> their own end; <c>--creds</c> the destination
/// registry only, so a login typed for where an image goes never reaches where it comes from.
/// A login is host-bound, not end-bound: <c>--creds</c> also serves a source on the same host
/// (a copy inside one registry).
/// </summary>
public sealed record CredentialBinding(IReadOnlyList<IRegistryCredentialProvider> ForSource, IReadOnlyList<IRegistryCredentialProvider> ForDestination)
{
    private const string Hint = "--creds is the destination registry's login; --src-creds and --dest-creds name their end";

    /// <param name="sourceRegistry">The source's registry host, null when the source is not a registry.</param>
    /// <param name="destinationRegistry">The destination's registry host, null when it is not a registry.</param>
    public static CredentialBinding Bind(string? creds, string? sourceCreds, string? destinationCreds, string? sourceRegistry, string? destinationRegistry)
    {
        if (creds is not null && destinationCreds is not null)
            throw new UsageException("--creds and --dest-creds both give the destination registry's login", Hint);
        if (sourceCreds is not null && sourceRegistry is null)
            throw new UsageException("--src-creds is given but the source is not a registry", Hint);
        if (destinationCreds is not null && destinationRegistry is null)
            throw new UsageException("--dest-creds is given but the destination is not a registry", Hint);
        if (creds is not null && destinationRegistry is null)
            throw new UsageException("--creds is the destination registry's login, and the destination is not a registry",
                sourceRegistry is null ? Hint : "give the source registry's login with --src-creds USER:PASS");

        var common = Login(creds, "--creds", destinationRegistry);
        return new CredentialBinding(
            [.. Login(sourceCreds, "--src-creds", sourceRegistry), .. common],
            [.. Login(destinationCreds, "--dest-creds", destinationRegistry), .. common]);
    }

    private static IRegistryCredentialProvider[] Login(string? text, string option, string? registry) =>
        text is null || registry is null ? [] : [new StaticCredentialProvider(RegistryCredential.ParseUserPassword(text, option), registry)];
}
