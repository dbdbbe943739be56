using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Serving;

/// <summary>
/// What one listing of <c>manifests/NAME/</c> shows of repository NAME: its tags and the signature files
/// beside them. Keys of nested repositories (NAME/sub/TAG/...) share the prefix and are left out.
/// </summary>
internal sealed record RepositoryFiles(IReadOnlyList<string> Tags, IReadOnlyDictionary<string, IReadOnlyList<string>> SignatureKeys)
{
    public static async Task<RepositoryFiles> ListAsync(IObjectStore store, string name, CancellationToken ct)
    {
        var prefix = BucketLayout.ManifestsPrefix + name + "/";
        var tags = new List<string>();
        var signatures = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            // TAG/manifest.json or TAG/signatures/KEYID.json directly below the repository
            var parts = info.Key[prefix.Length..].Split('/');
            if (!RegistryNames.IsValidTag(parts[0])) continue;
            if (parts is [var tag, BucketLayout.ManifestFileName]) tags.Add(tag);
            else if (parts is [var signed, BucketLayout.SignaturesDirectoryName, var file] && BucketLayout.IsSignatureFileName(file))
            {
                if (!signatures.TryGetValue(signed, out var keys)) signatures[signed] = keys = [];
                keys.Add(info.Key);
            }
        }
        tags.Sort(StringComparer.Ordinal);
        foreach (var keys in signatures.Values) keys.Sort(StringComparer.Ordinal);
        return new RepositoryFiles(tags, signatures.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal));
    }
}
