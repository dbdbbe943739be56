using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>Progress and events of a transfer; the CLI renders them (progress bars on a TTY, log lines with --verbose).</summary>
public interface ITransferObserver
{
    void BlobSkipped(Descriptor blob) { }
    void BlobStarted(Descriptor blob) { }
    void BlobProgress(Descriptor blob, long bytesSoFar) { }
    void BlobCompleted(Descriptor blob) { }
    void BlobCopiedServerSide(Descriptor blob) { }
    void Message(string text) { }

    /// <summary>
    /// The blob entered <paramref name="phase"/>; later <see cref="BlobProgress"/> counts bytes of that phase,
    /// out of <see cref="Descriptor.Size"/>. A layer being exported is named by its archive entry (often its diff ID)
    /// until it is encoded into the blob uploaded next.
    /// </summary>
    void BlobPhase(Descriptor blob, TransferPhase phase) { }

    /// <summary>The whole image entered <paramref name="phase"/> (the daemon loads it); <paramref name="what"/> says where.</summary>
    void ImagePhase(TransferPhase phase, string what) { }

    /// <summary>A line the destination reported when it was done (the daemon's "Loaded image: ...").</summary>
    void ImageDone(string text) { }
}

public sealed class NullTransferObserver : ITransferObserver
{
    public static readonly NullTransferObserver Instance = new();
}
