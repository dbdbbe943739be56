using System.Security.Cryptography;
using S3lo.Core.Errors;

namespace S3lo.Core.Signing;

/// <summary>The one curve s3lo signs with (ECDSA P-256, as s3lo v1 and cosign): checks and imports keys on it.</summary>
public static class P256
{
    private const string Oid = "1.2.840.10045.3.1.7";

    /// <summary>True when the key is on NIST P-256 (prime256v1, secp256r1).</summary>
    public static bool IsP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && (curve.Oid.Value == Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1");
    }

    /// <summary>Throws a usage error naming <paramref name="source"/> unless the key is on P-256.</summary>
    public static void Require(ECDsa key, string source)
    {
        if (IsP256(key)) return;
        throw new UsageException($"{source} is an ECDSA key of {key.KeySize} bits, not P-256", "s3lo signs with ECDSA P-256 keys: 's3lo keygen' makes a pair");
    }

    /// <summary>A public key from SubjectPublicKeyInfo DER, checked to be ECDSA P-256.</summary>
    public static ECDsa ImportPublic(ReadOnlySpan<byte> subjectPublicKeyInfo, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length) throw new CryptographicException("trailing bytes after the key");
            Require(key, source);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new UsageException($"{source} is not an ECDSA P-256 public key", "s3lo signs with ECDSA P-256 keys: 's3lo keygen' makes a pair");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>ECDSA with SHA-256 over <paramref name="data"/>, the signature DER-encoded (what v1 and KMS produce).</summary>
    public static bool Verify(ECDsa key, byte[] data, byte[] derSignature)
    {
        try
        {
            return key.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // malformed DER: simply not a valid signature
        }
    }
}
