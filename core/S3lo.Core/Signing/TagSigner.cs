using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Core.Signing;

/// <summary>
/// <c>s3lo sign</c>: signs the manifest digest a tag points at now and writes the signature file beside the tag.
/// The payload is the digest alone (s3lo v1's format); the tag is bound by where the file lives.
/// </summary>
public static class TagSigner
{
    /// <summary>The tag of a reference; a digest reference is a usage error (signatures live beside a tag).</summary>
    public static string RequireTag(ImageReference image, string command) =>
        image.Tag ?? throw new UsageException($"{command} needs a tag; '{image}' names a digest (signatures live beside a tag)",
            $"write {image.Location}{image.Repository}:TAG");

    public static async Task<SignatureDocument> SignAsync(ImageBucket bucket, string repository, string tag, ISigningKey key, TimeProvider clock, CancellationToken ct)
    {
        var spki = await key.GetSubjectPublicKeyInfoAsync(ct).ConfigureAwait(false);
        using var publicKey = P256.ImportPublic(spki, $"key {key.KeyRef}");
        var record = await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"{repository}:{tag} not found in {bucket.Name}", $"'s3lo list {bucket.Name}/' shows what is there");
        var digest = record.Manifest.Digest;
        var payload = SignaturePayload.For(digest);
        var signature = await key.SignAsync(payload, ct).ConfigureAwait(false);
        // A key service answering with another key's signature would leave a file no verify accepts: check before writing.
        if (!P256.Verify(publicKey, payload, signature))
            throw new S3loException($"the signature from key {key.KeyRef} does not verify with its own public key; nothing was written");
        var now = clock.GetUtcNow();
        var document = new SignatureDocument
        {
            Digest = digest.ToString(),
            KeyRef = key.KeyRef,
            KeyId = KeyId.Of(spki),
            Signature = Convert.ToBase64String(signature),
            Payload = Convert.ToBase64String(payload),
            // Whole seconds, as the file stores them, so what sign prints is what verify reads back.
            SignedAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
        };
        await TagSignatures.WriteAsync(bucket, repository, tag, document, ct).ConfigureAwait(false);
        return document;
    }
}
