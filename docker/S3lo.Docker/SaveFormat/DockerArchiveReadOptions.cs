using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Docker.SaveFormat;

public sealed record DockerArchiveReadOptions
{
    /// <summary>
    /// Called when a layer candidate is fully spooled, so the caller can start compressing it while
    /// reading goes on; the file is the caller's from then on. Every layer of the result is reported
    /// exactly once (small OCI blobs, kept in memory while reading, are written out and reported at the
    /// end). A file reported early may turn out not to be a layer; it is then deleted at the end.
    /// <see cref="DockerArchiveReader.ReadAsync"/> awaits the returned tasks before it returns.
    /// </summary>
    public Func<SpooledBlob, CancellationToken, Task>? OnBlobSpooled { get; init; }

    /// <summary>
    /// Called when a big file that is not JSON starts to be spooled: a copy returned here receives its
    /// bytes as they are read (a layer compressed while the export streams in). Null: no copy.
    /// </summary>
    public Func<SpoolStart, ISpoolCopy?>? OpenCopy { get; init; }

    /// <summary>
    /// For OCI-layout archives the blob name gives its digest up front: when this returns true the entry
    /// is skipped, not spooled. Blobs that look like JSON (a config or manifest the reader needs) are
    /// read all the same.
    /// </summary>
    public Func<Digest, bool>? SkipKnownBlob { get; init; }

    /// <summary>Size limit for each JSON document (manifest.json, index.json, configs, manifests).</summary>
    public long MaxJsonBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// When an OCI archive holds several platforms of an image (containerd image store), take this one;
    /// null takes the image docker's manifest.json names, else the first.
    /// </summary>
    public PlatformSpec? Platform { get; init; }

    /// <summary>When manifest.json lists several images (one archive, several tags), take the one named this.</summary>
    public string? RepoTag { get; init; }
}
