using System.Security.Cryptography;

namespace S3lo.Core.Signing;

/// <summary>A P-256 private key opened from a PEM file; signs in process.</summary>
public sealed class PemSigningKey : ISigningKey, IDisposable
{
    private readonly ECDsa _key;

    /// <param name="key">Already checked to be on P-256; this object owns it.</param>
    public PemSigningKey(string keyRef, ECDsa key)
    {
        KeyRef = keyRef;
        _key = key;
    }

    public string KeyRef { get; }

    public Task<byte[]> GetSubjectPublicKeyInfoAsync(CancellationToken ct) => Task.FromResult(_key.ExportSubjectPublicKeyInfo());

    public Task<byte[]> SignAsync(byte[] payload, CancellationToken ct) =>
        Task.FromResult(_key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public void Dispose() => _key.Dispose();
}
