namespace S3lo.Core.Archives;

/// <summary>The file-based image endpoints of <c>copy</c>: the air-gapped route.</summary>
public enum ArchiveKind
{
    /// <summary><c>oci:DIR[:TAG]</c> — an OCI image layout directory.</summary>
    OciLayout,

    /// <summary><c>oci-archive:FILE[:TAG]</c> — a tar of an OCI image layout.</summary>
    OciArchive,

    /// <summary><c>docker-archive:FILE[:NAME:TAG]</c> — a classic <c>docker save</c> tar.</summary>
    DockerArchive,
}
