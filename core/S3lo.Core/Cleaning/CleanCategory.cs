namespace S3lo.Core.Cleaning;

/// <summary>What a clean removes, in the order it reports them.</summary>
public enum CleanCategory
{
    /// <summary>Tags pruned by the lifecycle rules.</summary>
    Tags,
    /// <summary>Unreachable manifests and indexes stored as blobs.</summary>
    Manifests,
    /// <summary>Unreachable layers, configs and anything else under blobs/.</summary>
    Blobs,
    /// <summary>Incomplete uploads older than the grace.</summary>
    Uploads,
    /// <summary>Diff-ID index entries whose blob is gone.</summary>
    IndexEntries,
}
