using System.Security.Cryptography;
using S3lo.Core.Errors;

namespace S3lo.Core.Signing;

/// <summary>
/// A key file in PEM: an encrypted PKCS#8 private key (what <c>s3lo keygen</c> and <c>cosign generate-key-pair</c>
/// with a PKCS#8 export write), an unencrypted PKCS#8 or SEC1 private key, or a SubjectPublicKeyInfo public key.
/// Every problem is a <see cref="UsageException"/> naming the file; a <see cref="CryptographicException"/> never leaks.
/// </summary>
public sealed class PemKeyFile
{
    public const string EncryptedPrivateKeyLabel = "ENCRYPTED PRIVATE KEY";
    public const string PrivateKeyLabel = "PRIVATE KEY";
    public const string EcPrivateKeyLabel = "EC PRIVATE KEY";
    public const string PublicKeyLabel = "PUBLIC KEY";
    private const int MaxBytes = 64 * 1024;
    private const string KeygenHint = "s3lo signs with ECDSA P-256 keys: 's3lo keygen' makes a pair";

    private readonly string _text;

    private PemKeyFile(string path, string label, string text)
    {
        Path = path;
        Label = label;
        _text = text;
    }

    /// <summary>The path as the user gave it; every message names it.</summary>
    public string Path { get; }

    /// <summary>The PEM label of the first block, e.g. "ENCRYPTED PRIVATE KEY".</summary>
    public string Label { get; }

    public bool IsPrivate => Label is EncryptedPrivateKeyLabel or PrivateKeyLabel or EcPrivateKeyLabel;

    public bool IsEncrypted => Label == EncryptedPrivateKeyLabel;

    public static PemKeyFile Read(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) throw new UsageException($"key file {path} is a directory");
            if (!info.Exists) throw new UsageException($"key file {path} does not exist", "'s3lo keygen' writes cosign.key and cosign.pub");
            if (info.Length > MaxBytes) throw new UsageException($"key file {path} is {info.Length} bytes: not a PEM key file", KeygenHint);
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read key file {path}: {e.Message}");
        }
        if (!PemEncoding.TryFind(text, out var fields))
            throw new UsageException($"key file {path} is not a PEM key file", KeygenHint);
        var label = text[fields.Label];
        if (label is "RSA PRIVATE KEY" or "RSA PUBLIC KEY")
            throw new UsageException($"key file {path} holds an RSA key, not ECDSA P-256", KeygenHint);
        if (label is not (EncryptedPrivateKeyLabel or PrivateKeyLabel or EcPrivateKeyLabel or PublicKeyLabel))
            throw new UsageException($"key file {path} holds a PEM '{label}', not a key", KeygenHint);
        return new PemKeyFile(path, label, text);
    }

    /// <summary>The private key; <paramref name="password"/> is used only when the file is encrypted.</summary>
    public ECDsa OpenPrivate(ReadOnlySpan<char> password)
    {
        if (!IsPrivate)
            throw new UsageException($"key file {Path} holds a public key: signing needs the private key", "pass the .key file 'keygen' wrote beside it");
        var key = ECDsa.Create();
        try
        {
            if (IsEncrypted) key.ImportFromEncryptedPem(_text, password);
            else key.ImportFromPem(_text);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw Explain(password);
        }
        return Checked(key);
    }

    /// <summary>
    /// SubjectPublicKeyInfo DER of the key: read from a public key file, or derived from a private key
    /// (opened with the password <paramref name="password"/> returns, asked only for an encrypted file).
    /// </summary>
    public byte[] PublicKeyInfo(Func<string> password)
    {
        if (IsPrivate)
        {
            using var key = OpenPrivate(IsEncrypted ? password() : "");
            return key.ExportSubjectPublicKeyInfo();
        }
        var pub = ECDsa.Create();
        try
        {
            pub.ImportFromPem(_text);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            pub.Dispose();
            throw Explain("");
        }
        using (Checked(pub)) return pub.ExportSubjectPublicKeyInfo();
    }

    private ECDsa Checked(ECDsa key)
    {
        try
        {
            P256.Require(key, $"key file {Path}");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    // Why an import failed: the same bytes as an RSA key tell a wrong key type from a wrong password.
    private UsageException Explain(ReadOnlySpan<char> password)
    {
        using var rsa = RSA.Create();
        try
        {
            if (IsEncrypted) rsa.ImportFromEncryptedPem(_text, password);
            else rsa.ImportFromPem(_text);
            return new UsageException($"key file {Path} holds an RSA key, not ECDSA P-256", KeygenHint);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
        }
        return IsEncrypted
            ? new UsageException($"cannot open key file {Path}: wrong password (or the file is damaged)", "the password is the one given to 's3lo keygen' (COSIGN_PASSWORD)")
            : new UsageException($"key file {Path} holds no ECDSA P-256 key it can read", KeygenHint);
    }
}
