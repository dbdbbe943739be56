using S3lo.Core.Bucket;
using S3lo.Core.Signing;

namespace S3lo.Core.Inspection;

/// <summary>Adds to <see cref="ImageDetails"/> the signature files beside the tag and which digest each covers.</summary>
public static class SignatureList
{
    public static async Task<ImageDetails> AddAsync(ImageDetails details, ImageBucket bucket, string repository, string tag, CancellationToken ct)
    {
        var stored = await TagSignatures.ListAsync(bucket, repository, tag, ct).ConfigureAwait(false);
        return details with { Signatures = [.. stored.Select(s => Describe(s, details.Digest))] };
    }

    private static SignatureDetails Describe(StoredSignature signature, string currentDigest)
    {
        if (signature.Problem is not null || signature.Document is not { } document)
            return new SignatureDetails(signature.KeyId, SignatureDetails.Unreadable, null, null, null, signature.Problem ?? "empty");
        var covers = document.Digest == currentDigest ? SignatureDetails.ThisDigest : SignatureDetails.OtherDigest;
        return new SignatureDetails(signature.KeyId, covers, document.KeyRef, document.SignedAt.ToUniversalTime(), document.Digest, null);
    }
}
