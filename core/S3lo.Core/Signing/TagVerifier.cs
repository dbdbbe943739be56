using System.Security.Cryptography;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;

namespace S3lo.Core.Signing;

/// <summary>
/// <c>s3lo verify</c>: checks the signature file of one key beside a tag against the manifest the tag points at now.
/// Reading problems (store, key service) throw; everything about the signature itself is a <see cref="VerifyResult"/>.
/// </summary>
public static class TagVerifier
{
    public static async Task<VerifyResult> VerifyAsync(ImageBucket bucket, string repository, string tag, IPublicKeySource key, CancellationToken ct)
    {
        var spki = await key.GetSubjectPublicKeyInfoAsync(ct).ConfigureAwait(false);
        using var publicKey = P256.ImportPublic(spki, $"key {key.KeyRef}");
        var keyId = KeyId.Of(spki);
        var record = await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false);
        if (record is null) return new VerifyResult.NoTag(keyId);
        byte[] bytes;
        try
        {
            bytes = await bucket.ReadAllAsync(BucketLayout.SignaturesPrefix(repository, tag) + keyId + ".json", ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return new VerifyResult.Missing(keyId);
        }
        return Check(TagSignatures.Parse(keyId, bytes), publicKey, keyId, record.Manifest.Digest);
    }

    /// <summary>The verdict on one stored signature file, for the key <paramref name="keyId"/> and the tag's current digest.</summary>
    public static VerifyResult Check(StoredSignature stored, ECDsa publicKey, string keyId, Digest current)
    {
        if (stored.Document is not { } document || stored.Problem is not null)
            return new VerifyResult.Invalid(keyId, $"malformed signature file: {stored.Problem}");
        if (document.KeyId != keyId)
            return new VerifyResult.Invalid(keyId, $"the file names key '{document.KeyId}', not {keyId}");
        if (document.Algorithm != SignatureDocument.EcdsaSha256)
            return new VerifyResult.Invalid(keyId, $"algorithm '{document.Algorithm}' is not supported ({SignatureDocument.EcdsaSha256} is)");
        if (FromBase64(document.Payload) is not { } payload)
            return new VerifyResult.Invalid(keyId, "the payload is not base64");
        if (SignaturePayload.Parse(payload) is not { } signed)
            return new VerifyResult.Invalid(keyId, "the payload is not a manifest digest");
        if (!Digest.TryParse(document.Digest, out var named) || named != signed)
            return new VerifyResult.Invalid(keyId, $"the payload covers {signed}, but the file's digest is '{document.Digest}'");
        if (FromBase64(document.Signature) is not { } signature)
            return new VerifyResult.Invalid(keyId, "the signature is not base64");
        if (!P256.Verify(publicKey, payload, signature))
            return new VerifyResult.Invalid(keyId, "the signature does not verify with this key");
        return signed == current
            ? new VerifyResult.Valid(keyId, current, document.SignedAt)
            : new VerifyResult.Moved(keyId, signed, current, document.SignedAt);
    }

    private static byte[]? FromBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
