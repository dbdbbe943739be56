using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Archives;

/// <summary>
/// The blobs of an OCI image layout that index entries reach: each manifest or nested index (read from the
/// layout, size-capped), its children, and the config and layers of every manifest. A document that cannot
/// be read as one is kept whole and not walked further: what cannot be understood is never dropped.
/// Subjects are not followed (a referrer points at its image, not the other way round).
/// </summary>
internal static class ReachableBlobs
{
    /// <summary>The sha256 digests (<c>sha256:hex</c>) reachable from <paramref name="entries"/>, present in the layout or not.</summary>
    public static async Task<HashSet<string>> FindAsync(ILayoutFiles files, IEnumerable<Descriptor> entries, string where, CancellationToken ct)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(Descriptor Descriptor, bool IsDocument)>(entries.Reverse().Select(e => (e, true)));
        while (pending.TryPop(out var next))
        {
            ct.ThrowIfCancellationRequested();
            // Only sha256 blobs can be stored in the layout; another algorithm names nothing to keep.
            if (!Digest.TryParse(next.Descriptor.Digest, out var digest) || !reached.Add(digest.ToString()) || !next.IsDocument) continue;
            var document = await TryReadAsync(files, next.Descriptor, digest, where, ct).ConfigureAwait(false);
            if (document?.Manifest is { } manifest)
            {
                pending.Push((manifest.Config, false));
                foreach (var layer in manifest.Layers) pending.Push((layer, false));
            }
            else if (document?.Index is { } index)
            {
                foreach (var child in index.Manifests) pending.Push((child, IsDocumentType(child.MediaType)));
            }
        }
        return reached;
    }

    // An index lists manifests; an entry of another, known type (an artifact blob) is kept as it is.
    private static bool IsDocumentType(string? mediaType) =>
        string.IsNullOrEmpty(mediaType) || MediaTypes.IsManifest(mediaType) || MediaTypes.IsIndex(mediaType);

    /// <summary>The parsed document; null when it is absent, too large, or not a manifest or index.</summary>
    private static async Task<ManifestBlob?> TryReadAsync(ILayoutFiles files, Descriptor descriptor, Digest digest, string where, CancellationToken ct)
    {
        var name = OciLayout.BlobName(digest);
        var size = await files.SizeAsync(name, ct).ConfigureAwait(false);
        if (size is null or > OciJson.MaxDocumentBytes) return null;
        try
        {
            await using var stream = await files.OpenAsync(name, ct).ConfigureAwait(false);
            var bytes = await OciLayout.ReadCappedAsync(stream, OciJson.MaxDocumentBytes, $"manifest {digest} in {where}", ct).ConfigureAwait(false);
            return OciLayout.ParseManifest(bytes, descriptor, digest, where);
        }
        catch (S3loException)
        {
            return null;
        }
    }
}
