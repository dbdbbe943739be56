using System.Text.RegularExpressions;
using S3lo.Core.Errors;

namespace S3lo.Core.Signing;

/// <summary>
/// What <c>--key</c> names: <c>SCHEME://…</c> for a registered key service (<see cref="IKmsKeyScheme"/>),
/// anything else a PEM file. Passwords are asked for (through the callback) only when a file is encrypted.
/// </summary>
public sealed partial class SigningKeys(IEnumerable<IKmsKeyScheme> schemes)
{
    private readonly IKmsKeyScheme[] _schemes = [.. schemes];

    /// <summary>The key services' schemes, in registration order.</summary>
    public IReadOnlyList<string> Schemes => [.. _schemes.Select(s => s.Scheme)];

    /// <summary>A key to sign with. <paramref name="password"/> gets the file's path and returns its password.</summary>
    public ISigningKey OpenSigning(string keyRef, Func<string, string> password)
    {
        if (Service(keyRef) is { } service) return service.Open(keyRef);
        var file = PemKeyFile.Read(keyRef);
        if (!file.IsPrivate)
            throw new UsageException($"key file {keyRef} holds a public key: signing needs the private key", "pass the .key file 'keygen' wrote beside it");
        return new PemSigningKey(keyRef, file.OpenPrivate(file.IsEncrypted ? password(keyRef) : ""));
    }

    /// <summary>A key to verify with: a key service's key, a public key file, or a private key file's public half.</summary>
    public IPublicKeySource OpenPublic(string keyRef, Func<string, string> password)
    {
        if (Service(keyRef) is { } service) return service.Open(keyRef);
        var file = PemKeyFile.Read(keyRef);
        return new PemPublicKey(keyRef, file.PublicKeyInfo(() => password(keyRef)));
    }

    private IKmsKeyScheme? Service(string keyRef)
    {
        if (string.IsNullOrEmpty(keyRef)) throw new UsageException("--key is empty", "pass a key file (cosign.key) or a key service URI (awskms:///alias/NAME)");
        var match = SchemePattern().Match(keyRef);
        if (!match.Success) return null;
        var name = match.Groups[1].Value;
        foreach (var scheme in _schemes)
        {
            if (string.Equals(scheme.Scheme, name, StringComparison.Ordinal)) return scheme;
        }
        throw new UsageException($"--key {keyRef}: '{name}' is not a key service s3lo knows",
            _schemes.Length == 0
                ? "no key service is available in this build; pass a key file (s3lo keygen makes one)"
                : $"key services: {string.Join(", ", _schemes.Select(s => s.Scheme + "://"))}; or pass a key file");
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*)://")]
    private static partial Regex SchemePattern();
}
