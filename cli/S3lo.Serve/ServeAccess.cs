using System.Security.Cryptography.X509Certificates;

namespace S3lo.Serve;

/// <summary>
/// What the access flags name, read before the store is opened so that a bad file fails at once
/// (one line, exit 2) instead of after a slow store connection.
/// </summary>
public sealed record ServeAccess(HtpasswdFile? Users, X509Certificate2? Certificate, X509Certificate2Collection? Intermediates)
{
    public static ServeAccess Load(RegistryServerSettings settings)
    {
        var users = settings.HtpasswdPath is { } htpasswd ? HtpasswdFile.Load(htpasswd) : null;
        if (settings.TlsCertificatePath is not { } cert || settings.TlsKeyPath is not { } key) return new ServeAccess(users, null, null);
        var (certificate, intermediates) = TlsCertificate.Load(cert, key);
        return new ServeAccess(users, certificate, intermediates);
    }
}
