using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>Reads an image's config from a source: small, read whole, verified.</summary>
internal static class ConfigBlob
{
    /// <summary>The parsed config; null when the descriptor is no image config (an artifact) or too big for one.</summary>
    public static async Task<ImageConfig?> ReadAsync(IImageSource source, Descriptor config, CancellationToken ct)
    {
        if (!MediaTypes.IsImageConfig(config.MediaType) || config.Size > OciJson.MaxDocumentBytes) return null;
        await using var stream = new VerifyingReadStream(await source.OpenBlobAsync(config, ct).ConfigureAwait(false),
            Digest.Parse(config.Digest), config.Size, $"config {config.Digest}");
        using var buffer = new MemoryStream((int)config.Size);
        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return OciJson.ParseConfig(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), $"config {config.Digest}");
    }
}
