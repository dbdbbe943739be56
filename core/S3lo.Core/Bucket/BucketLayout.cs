using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Bucket;

/// <summary>
/// Every key s3lo reads or writes (docs/bucket-layout.md, compatible with s3lo v1.1+), in one place.
/// See docs/bucket-layout.md for the keys this tool adds.
/// </summary>
public static class BucketLayout
{
    public const string BlobsPrefix = "blobs/sha256/";
    public const string ManifestsPrefix = "manifests/";
    public const string ManifestFileName = "manifest.json";
    public const string OciLayoutFileName = "oci-layout";
    public const string HistoryFileName = "history.json";
    public const string SignaturesDirectoryName = "signatures";
    public const string ConfigKey = "s3lo.yaml";

    /// <summary>diff ID → stored layer blob, per compression (an s3lo v2 addition, ignored by v1).</summary>
    public const string DiffIdIndexPrefix = "s3lo-index/diff-ids/";

    /// <summary>
    /// One object per running <c>clean</c> that is deleting blobs (<c>&lt;run id&gt;.json</c>), written before its
    /// last reachability check and removed when its deletes are done. A push that commits while one exists
    /// waits for it to go, then re-checks its blobs (an s3lo v2 addition, ignored by v1).
    /// </summary>
    public const string RunningCleansPrefix = "s3lo-gc/running/";

    /// <summary>
    /// One object per manifest pushed through serve with a <c>subject</c>: its OCI descriptor (media type,
    /// digest, size, artifactType, annotations) at <c>&lt;prefix&gt;sha256/&lt;subject hex&gt;/&lt;referrer hex&gt;</c>,
    /// so the referrers API lists them without reading every manifest (an s3lo v2 addition, ignored by v1).
    /// </summary>
    public const string ReferrersPrefix = "s3lo-index/referrers/";

    /// <summary>
    /// Blob upload sessions of serve --allow-push: <c>&lt;prefix&gt;&lt;session id&gt;/</c> holds the session's
    /// chunks, so a restarted server resumes them (an s3lo v2 addition, ignored by v1).
    /// </summary>
    public const string UploadsPrefix = "s3lo-uploads/";

    public static string ReferrerKey(Digest subject, Digest referrer) => $"{ReferrersPrefix}sha256/{subject.Hex}/{referrer.Hex}";

    public static string ReferrersOf(Digest subject) => $"{ReferrersPrefix}sha256/{subject.Hex}/";

    public static string BlobKey(Digest digest) => BlobsPrefix + digest.Hex;

    public static string TagPrefix(string repository, string tag) => $"{ManifestsPrefix}{repository}/{tag}/";

    public static string ManifestKey(string repository, string tag) => TagPrefix(repository, tag) + ManifestFileName;

    public static string OciLayoutKey(string repository, string tag) => TagPrefix(repository, tag) + OciLayoutFileName;

    public static string HistoryKey(string repository, string tag) => TagPrefix(repository, tag) + HistoryFileName;

    public static string SignaturesPrefix(string repository, string tag) => TagPrefix(repository, tag) + SignaturesDirectoryName + "/";

    /// <summary>A signature file is named by its key ID: 16 lowercase hex characters and ".json".</summary>
    public static bool IsSignatureFileName(string name) =>
        name.Length == 21 && name.EndsWith(".json", StringComparison.Ordinal) && name[..16].All(char.IsAsciiHexDigitLower);

    public static string DiffIdKey(Digest diffId, LayerCompression compression) =>
        $"{DiffIdIndexPrefix}{compression.ToString().ToLowerInvariant()}/sha256/{diffId.Hex}";

    /// <summary>Parses <c>manifests/&lt;repo&gt;/&lt;tag&gt;/manifest.json</c>; null for any other key.</summary>
    public static (string Repository, string Tag)? ParseManifestKey(string key)
    {
        if (!key.StartsWith(ManifestsPrefix, StringComparison.Ordinal) || !key.EndsWith("/" + ManifestFileName, StringComparison.Ordinal))
            return null;
        var middle = key[ManifestsPrefix.Length..^(ManifestFileName.Length + 1)];
        var slash = middle.LastIndexOf('/');
        if (slash <= 0 || slash == middle.Length - 1) return null;
        return (middle[..slash], middle[(slash + 1)..]);
    }
}
