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
}

public sealed class NullTransferObserver : ITransferObserver
{
    public static readonly NullTransferObserver Instance = new();
}
