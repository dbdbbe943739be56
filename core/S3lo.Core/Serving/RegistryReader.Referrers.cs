using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// The OCI 1.1 referrers API: the manifests whose subject is a digest, from two sources. (1) The referrers
/// index the write half keeps (<see cref="BucketLayout.ReferrersOf"/>: one descriptor per pushed manifest with a
/// subject; as blobs, not scoped to a repository). (2) The s3lo signatures of the repository's tags that hold
/// the digest, each presented as a <see cref="SignatureArtifact"/> that GET manifests/DIGEST then serves.
/// </summary>
public sealed partial class RegistryReader
{
    /// <summary>
    /// The referrers of <paramref name="subjectText"/> in <paramref name="name"/>, only those of
    /// <paramref name="artifactType"/> when given. An unknown subject has an empty list, never a 404.
    /// </summary>
    public async Task<ReferrersList> GetReferrersAsync(string name, string subjectText, string? artifactType, CancellationToken ct)
    {
        CheckName(name);
        var subject = ParseDigest(subjectText);
        var stored = StoredReferrersAsync(subject, ct);
        var signatures = SignatureReferrersAsync(name, subject, ct);
        var all = (await stored.ConfigureAwait(false)).Concat(await signatures.ConfigureAwait(false))
            .DistinctBy(r => r.Digest)
            .Where(r => artifactType is null || r.ArtifactType == artifactType)
            .OrderBy(r => r.Digest.Hex, StringComparer.Ordinal)
            .ToList();
        return new ReferrersList(all, artifactType is not null);
    }

    private async Task<List<ReferrerDescriptor>> StoredReferrersAsync(Digest subject, CancellationToken ct)
    {
        var prefix = BucketLayout.ReferrersOf(subject);
        var keys = new List<(string Key, Digest Referrer)>();
        await foreach (var info in _gated.Store.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            if (Digest.TryParse(Digest.Sha256Prefix + info.Key[prefix.Length..], out var referrer)) keys.Add((info.Key, referrer));
        }
        var found = new List<ReferrerDescriptor>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = SearchParallelism, CancellationToken = ct }, async (entry, token) =>
        {
            byte[] bytes;
            try
            {
                bytes = await _gated.ReadAllAsync(entry.Key, token).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                return; // removed since the listing
            }
            if (ReferrerDescriptor.TryParse(bytes, entry.Referrer) is { } descriptor) lock (found) found.Add(descriptor);
        }).ConfigureAwait(false);
        return found;
    }

    private async Task<List<ReferrerDescriptor>> SignatureReferrersAsync(string name, Digest subject, CancellationToken ct)
    {
        var files = await RepositoryFiles.ListAsync(_gated.Store, name, ct).ConfigureAwait(false);
        var signed = files.Tags.Where(files.SignatureKeys.ContainsKey).ToList();
        var manifests = await ReadTagsAsync(name, signed, null, ct).ConfigureAwait(false);
        var artifacts = await SignatureArtifactsAsync(name, files, manifests, subject, ct).ConfigureAwait(false);
        return [.. artifacts.Select(a => a.Descriptor)];
    }

    /// <summary>
    /// The signature artifacts of the tags in <paramref name="manifests"/> (only those of tags holding
    /// <paramref name="subject"/>, when given); each is also cached by digest, as a client fetches it next.
    /// </summary>
    private async Task<List<(ServedManifest Manifest, ReferrerDescriptor Descriptor)>> SignatureArtifactsAsync(
        string name, RepositoryFiles files, IEnumerable<(string Tag, ServedManifest Manifest)> manifests, Digest? subject, CancellationToken ct)
    {
        var work = new List<(string Tag, ServedManifest Manifest, string Key)>();
        foreach (var (tag, manifest) in manifests)
        {
            if (subject is not null && manifest.Digest != subject) continue;
            if (!files.SignatureKeys.TryGetValue(tag, out var keys)) continue;
            foreach (var key in keys) work.Add((tag, manifest, key));
        }
        var found = new List<(ServedManifest, ReferrerDescriptor)>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = SearchParallelism, CancellationToken = ct }, async (item, token) =>
        {
            byte[] file;
            try
            {
                file = await _gated.ReadAllAsync(item.Key, token).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                return;
            }
            var keyId = item.Key[(item.Key.LastIndexOf('/') + 1)..^".json".Length];
            if (SignatureArtifact.For(item.Tag, item.Manifest, keyId, file) is not { } artifact) return;
            _manifests.AddDigest(name, artifact.Manifest);
            lock (found) found.Add(artifact);
        }).ConfigureAwait(false);
        return found;
    }
}
