namespace S3lo.Core.Signing;

/// <summary>
/// A key service reached by URI (<c>awskms:///alias/NAME</c>), registered in DI by the provider that talks to it.
/// The key both signs and, through its public half, verifies.
/// </summary>
public interface IKmsKeyScheme
{
    /// <summary>The URI scheme without "://", e.g. "awskms".</summary>
    string Scheme { get; }

    /// <summary>Opens the key a reference names; a malformed reference is a <see cref="Errors.UsageException"/>.</summary>
    ISigningKey Open(string keyRef);
}
