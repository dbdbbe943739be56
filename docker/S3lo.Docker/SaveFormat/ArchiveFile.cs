using S3lo.Core.Digests;

namespace S3lo.Docker.SaveFormat;

/// <summary>A regular file of an image archive as read: in memory (small), spooled to disk, or skipped.</summary>
internal sealed class ArchiveFile(string name, long size)
{
    public string Name { get; } = name;
    public long Size { get; } = size;

    /// <summary>sha256 of the bytes; for a skipped OCI blob, the digest its name states.</summary>
    public Digest Digest { get; set; }

    public byte[]? Bytes { get; set; }
    public string? SpoolPath { get; set; }
    public bool Skipped { get; set; }

    /// <summary>The first bytes, to tell gzip, zstd and tar apart without reading the file again.</summary>
    public byte[] Head { get; set; } = [];

    /// <summary>True once the caller was handed the file through OnBlobSpooled.</summary>
    public bool Reported { get; set; }
}
