namespace S3lo.Core.Signing;

/// <summary>A key that can be checked against: a public key PEM file, or a KMS key's public half.</summary>
public interface IPublicKeySource
{
    /// <summary>The key as the user named it (a file path or <c>awskms:///alias/NAME</c>); recorded as <c>keyRef</c>.</summary>
    string KeyRef { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER (ECDSA P-256).</summary>
    Task<byte[]> GetSubjectPublicKeyInfoAsync(CancellationToken ct);
}
