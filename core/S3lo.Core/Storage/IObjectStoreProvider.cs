namespace S3lo.Core.Storage;

/// <summary>
/// Opens stores for one URI scheme and owns that scheme's reference rules; each provider assembly
/// registers one in DI, so adding a scheme never edits core.
/// </summary>
public interface IObjectStoreProvider
{
    /// <summary>The scheme without "://", e.g. "local" or "s3".</summary>
    string Scheme { get; }

    /// <summary>
    /// True when BUCKET is a file-system path (<c>local://</c>): the store root is found by looking for
    /// a store along the path, not cut at the first '/'.
    /// </summary>
    bool BucketIsPath { get; }

    /// <summary>Null when <paramref name="bucket"/> is a valid name for this scheme, else the rule it breaks (not asked when <see cref="BucketIsPath"/>).</summary>
    string? BucketNameProblem(string bucket);

    /// <param name="bucket">The bucket, container, or (for local) the absolute store root.</param>
    Task<IObjectStore> OpenAsync(string bucket, StoreOptions options, CancellationToken ct);
}
