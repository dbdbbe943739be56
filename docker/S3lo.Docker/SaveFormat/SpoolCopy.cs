using S3lo.Core.Digests;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// A second destination for a file's bytes while it is spooled (a compressor): the reader writes
/// every chunk to <see cref="Input"/>, then calls <see cref="CompleteAsync"/> with the digest of the
/// bytes it read, or disposes the copy when reading failed.
/// </summary>
public interface ISpoolCopy : IAsyncDisposable
{
    Stream Input { get; }

    /// <summary>
    /// True when the copy holds all the caller needs: the reader then writes no spool file of its
    /// own (the path is still reported, but never created) — a layer is written to disk once.
    /// </summary>
    bool ReplacesSpool { get; }

    Task CompleteAsync(SpooledBlob spooled, CancellationToken ct);
}

/// <summary>The start of a big file of the archive: where it is spooled, its size and first bytes.</summary>
public sealed record SpoolStart(string Name, string Path, long Size, ReadOnlyMemory<byte> Head);
