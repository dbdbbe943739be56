namespace S3lo.Core.Signing;

/// <summary>A private key that signs: a PEM file, or a key held in a KMS that never leaves it.</summary>
public interface ISigningKey : IPublicKeySource
{
    /// <summary>ECDSA P-256 with SHA-256 over <paramref name="payload"/>; the signature DER-encoded.</summary>
    Task<byte[]> SignAsync(byte[] payload, CancellationToken ct);
}
