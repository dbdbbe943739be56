using System.Security.Cryptography;
using S3lo.Core.Errors;

namespace S3lo.Core.Signing;

/// <summary>
/// <c>s3lo keygen</c>: a new ECDSA P-256 pair as <c>PREFIX.key</c> (encrypted PKCS#8 PEM, mode 0600) and
/// <c>PREFIX.pub</c> (SubjectPublicKeyInfo PEM, mode 0644). Both are written under temporary names with their
/// final mode from creation, then renamed: a failure leaves neither behind.
/// </summary>
public static class KeyPairFiles
{
    /// <summary>PBKDF2-HMAC-SHA256 rounds: OWASP's current figure; opening a key takes a fraction of a second.</summary>
    public const int Iterations = 600_000;

    public static readonly PbeParameters Encryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Iterations);

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static (string PrivatePath, string PublicPath) PathsFor(string prefix) => (prefix + ".key", prefix + ".pub");

    /// <summary>Generates the pair and writes both files; returns the public key's ID. Existing files are an error unless <paramref name="force"/>.</summary>
    public static string Write(string prefix, ReadOnlySpan<char> password, bool force)
    {
        var (privatePath, publicPath) = PathsFor(prefix);
        if (!force) RefuseExisting(prefix);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privatePem = key.ExportEncryptedPkcs8PrivateKeyPem(password, Encryption);
        var publicPem = key.ExportSubjectPublicKeyInfoPem();
        var privateTemp = WriteTemp(privatePath, privatePem, PrivateMode);
        string? publicTemp = null;
        try
        {
            publicTemp = WriteTemp(publicPath, publicPem, PublicMode);
            File.Move(privateTemp, privatePath, overwrite: force);
            File.Move(publicTemp, publicPath, overwrite: force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(privateTemp);
            if (publicTemp is not null) File.Delete(publicTemp);
            throw new S3loException($"cannot write {privatePath} and {publicPath}: {e.Message}");
        }
        return KeyId.Of(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Exit 1 naming the files when either exists (checked before asking for a password too).</summary>
    public static void RefuseExisting(string prefix)
    {
        var (privatePath, publicPath) = PathsFor(prefix);
        var existing = new[] { privatePath, publicPath }.Where(p => File.Exists(p) || Directory.Exists(p)).ToArray();
        if (existing.Length > 0)
            throw new S3loException($"{string.Join(" and ", existing)} already exist{(existing.Length == 1 ? "s" : "")}", "pass --force to replace, or choose another prefix");
    }

    private static string WriteTemp(string target, string pem, UnixFileMode mode)
    {
        var full = System.IO.Path.GetFullPath(target);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new UsageException($"cannot write {target}: directory {directory} does not exist");
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.s3lo-tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        try
        {
            using var file = new FileStream(temp, options);
            using var writer = new StreamWriter(file);
            writer.Write(pem);
            writer.Write('\n');
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new S3loException($"cannot write {target}: {e.Message}");
        }
        return temp;
    }
}
