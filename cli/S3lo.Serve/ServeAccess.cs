using System.Security.Cryptography.X509Certificates;

namespace S3lo.Serve;

/// <summary>
/// What the access flags name, read before the store is opened so that a bad file fails at once
/// (one line, exit 2) instead of after a slow store connection.
/// </summary>
public sealed record ServeAccess(HtpasswdFile? Users, X509Certificate2? Certificate)
{
    public static ServeAccess Load(RegistryServerSettings settings) => new(
        settings.HtpasswdPath is { } htpasswd ? HtpasswdFile.Load(htpasswd) : null,
        settings.TlsCertificatePath is { } cert && settings.TlsKeyPath is { } key ? TlsCertificate.Load(cert, key) : null);
}
