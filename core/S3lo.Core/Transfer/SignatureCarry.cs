using S3lo.Core.Digests;

namespace S3lo.Core.Transfer;

/// <summary>
/// After a commit, copies the source tag's signatures that cover the committed digest. A signature
/// covers one manifest digest, so one made for a multi-arch index stays behind when the copy kept
/// one platform (a new digest), and nothing is re-signed: carrying never needs a key.
/// </summary>
internal static class SignatureCarry
{
    public static async Task<int> RunAsync(IImageSource source, IImageDestination destination, Digest committed,
        ITransferObserver observer, CancellationToken ct)
    {
        if (source is not ISignatureSource signed) return 0;
        var signatures = await signed.ListSignaturesAsync(ct).ConfigureAwait(false);
        if (signatures.Count == 0) return 0;
        if (destination is not ISignatureDestination keeper)
        {
            observer.Message($"{Count(signatures.Count)} of {source.Name} not copied: {destination.Name} does not keep s3lo signatures");
            return 0;
        }
        var carried = 0;
        foreach (var signature in signatures)
        {
            var document = signature.Document;
            if (signature.Problem is not null || document is null)
            {
                observer.Message($"signature {signature.KeyId} of {source.Name} not copied: {signature.Problem}");
                continue;
            }
            if (document.Digest != committed.ToString())
            {
                observer.Message($"signature {signature.KeyId} of {source.Name} not copied: it covers {document.Digest}, the copy is {committed}");
                continue;
            }
            await keeper.WriteSignatureAsync(signature, ct).ConfigureAwait(false);
            carried++;
        }
        return carried;
    }

    private static string Count(int n) => n == 1 ? "1 signature" : $"{n} signatures";
}
