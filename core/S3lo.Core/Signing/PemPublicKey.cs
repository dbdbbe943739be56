namespace S3lo.Core.Signing;

/// <summary>A public key read from a file (a <c>.pub</c>, or the public half of a private key file).</summary>
public sealed class PemPublicKey(string keyRef, byte[] subjectPublicKeyInfo) : IPublicKeySource
{
    public string KeyRef { get; } = keyRef;

    public Task<byte[]> GetSubjectPublicKeyInfoAsync(CancellationToken ct) => Task.FromResult(subjectPublicKeyInfo);
}
