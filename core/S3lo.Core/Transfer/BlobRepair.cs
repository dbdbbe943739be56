using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// After a commit: the blobs of the committed image that a concurrent clean deleted meanwhile are copied
/// again (layers and configs from the source, platform manifests from the transfer's own bytes), so the
/// tag never points at a missing blob.
/// </summary>
internal static class BlobRepair
{
    public delegate Task CopyBlob(Descriptor blob, string role, CancellationToken ct);

    /// <returns>How many blobs were copied again.</returns>
    public static async Task<int> RunAsync(ICommitRecheck recheck, CommitResult commit, IReadOnlyList<ManifestBlob> childManifests,
        IReadOnlyList<(Descriptor Blob, string Role)> blobs, CopyBlob copy, IImageDestination destination, ITransferObserver observer, CancellationToken ct)
    {
        // An index may name one manifest twice; each blob is checked and copied once.
        var manifests = childManifests.DistinctBy(m => m.Digest).ToDictionary(m => m.Digest.ToString(), StringComparer.Ordinal);
        var roles = blobs.DistinctBy(b => b.Blob.Digest).ToDictionary(b => b.Blob.Digest, b => b.Role, StringComparer.Ordinal);
        IReadOnlyList<Descriptor> all = [.. blobs.Select(b => b.Blob).DistinctBy(b => b.Digest), .. manifests.Values.Select(m => m.ToDescriptor())];
        var missing = await recheck.FindMissingAfterCommitAsync(all, observer.Message, ct).ConfigureAwait(false);
        foreach (var blob in missing)
        {
            var role = manifests.ContainsKey(blob.Digest) ? "manifest" : roles.GetValueOrDefault(blob.Digest, "blob");
            try
            {
                if (manifests.TryGetValue(blob.Digest, out var manifest)) await destination.PutManifestAsync(manifest, ct).ConfigureAwait(false);
                else await copy(blob, role, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new BlobsLostException($"{role} {blob.Digest} of {destination.Name} was deleted by a concurrent clean and could not be copied again: {e.Message}",
                    "run the same push or copy again: it uploads what is missing", commit, e);
            }
            observer.Message($"repaired {role} {blob.Digest}: a concurrent clean deleted it; copied again");
        }
        return missing.Count;
    }
}
