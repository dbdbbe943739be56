using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using S3lo.Core.Errors;

namespace S3lo.Serve;

/// <summary>The <c>--tls-cert</c> / <c>--tls-key</c> pair, read once at start.</summary>
public static class TlsCertificate
{
    /// <summary>
    /// A PEM chain (the server's certificate first, then intermediates, which are sent to clients too) and
    /// the unencrypted PEM key of the first; every problem is one line and exit 2.
    /// </summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection Intermediates) Load(string certificatePath, string keyPath)
    {
        foreach (var (flag, path) in new[] { ("--tls-cert", certificatePath), ("--tls-key", keyPath) })
        {
            try
            {
                using var _ = File.OpenRead(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                throw new UsageException($"cannot read {flag} {path}: {e.Message}");
            }
        }
        if (File.ReadAllText(keyPath).Contains("ENCRYPTED", StringComparison.Ordinal))
            throw new UsageException($"--tls-key {keyPath} is encrypted: serve needs it unencrypted (openssl pkey -in {keyPath} -out KEY), readable only by the server's user");
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (!certificate.HasPrivateKey)
                throw new UsageException($"--tls-key {keyPath} holds no private key for --tls-cert {certificatePath}");
            var intermediates = new X509Certificate2Collection();
            intermediates.ImportFromPemFile(certificatePath);
            intermediates.RemoveAt(0);
            return (certificate, intermediates);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new UsageException($"cannot use --tls-cert {certificatePath} with --tls-key {keyPath}: {OneLine(e.Message)}");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
