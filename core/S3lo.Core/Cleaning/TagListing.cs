using S3lo.Core.Bucket;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// One listing of manifests/: every tag's manifest.json (with the version it had then) and every
/// signature file. Two listings compared show what pushes changed in between.
/// </summary>
internal sealed class TagListing
{
    /// <summary>Every tag's manifest.json, by (repository, tag).</summary>
    public Dictionary<(string Repository, string Tag), ObjectInfo> Tags { get; } = [];

    /// <summary>Every <c>signatures/&lt;keyid&gt;.json</c>, by key.</summary>
    public Dictionary<string, ObjectInfo> Signatures { get; } = new(StringComparer.Ordinal);

    public static async Task<TagListing> ListAsync(IObjectStore store, CancellationToken ct)
    {
        var listing = new TagListing();
        await foreach (var info in store.ListAsync(BucketLayout.ManifestsPrefix, ct).ConfigureAwait(false))
        {
            if (BucketLayout.ParseManifestKey(info.Key) is { } tag) listing.Tags[tag] = info;
            else if (IsSignatureKey(info.Key)) listing.Signatures[info.Key] = info;
        }
        return listing;
    }

    /// <summary>True when <paramref name="info"/> is not the version this listing saw (new, or rewritten since).</summary>
    public bool IsNewOrChanged((string, string) tag, ObjectInfo info) =>
        !Tags.TryGetValue(tag, out var seen) || !SameVersion(seen, info);

    public bool IsNewOrChangedSignature(ObjectInfo info) =>
        !Signatures.TryGetValue(info.Key, out var seen) || !SameVersion(seen, info);

    /// <summary>
    /// Same size and ETag (quotes aside); without ETags, the same last-modified second (a listing has
    /// milliseconds where a HEAD has whole seconds, so finer times never compare).
    /// </summary>
    public static bool SameVersion(ObjectInfo a, ObjectInfo b) =>
        a.Size == b.Size && (a.ETag is not null && b.ETag is not null
            ? a.ETag.Trim('"') == b.ETag.Trim('"')
            : a.LastModified.ToUnixTimeSeconds() == b.LastModified.ToUnixTimeSeconds());

    /// <summary>The tag a signature key belongs to: <c>manifests/&lt;repository&gt;/&lt;tag&gt;/signatures/&lt;keyid&gt;.json</c>.</summary>
    public static (string Repository, string Tag) SignatureOwner(string key)
    {
        var tagPath = key[BucketLayout.ManifestsPrefix.Length..key.LastIndexOf("/" + BucketLayout.SignaturesDirectoryName + "/", StringComparison.Ordinal)];
        var slash = tagPath.LastIndexOf('/');
        return (tagPath[..slash], tagPath[(slash + 1)..]);
    }

    // manifests/<repository>/<tag>/signatures/<keyid>.json
    private static bool IsSignatureKey(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash < 0 || !BucketLayout.IsSignatureFileName(key[(slash + 1)..])) return false;
        var directory = key[..slash];
        return directory.EndsWith("/" + BucketLayout.SignaturesDirectoryName, StringComparison.Ordinal)
            && directory.Count(c => c == '/') >= 3;
    }
}
