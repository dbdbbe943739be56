using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>A destination that can take a verified file by moving it (same file system), instead of a stream.</summary>
public interface IFileBlobDestination
{
    /// <summary>Where a source should write files it wants moved in; null when moving is not possible.</summary>
    string? StagingDirectory { get; }

    /// <summary>Moves the file in as the blob; false when it cannot, and the caller streams instead.</summary>
    Task<bool> TryMoveInAsync(Descriptor descriptor, string path, CancellationToken ct);
}
