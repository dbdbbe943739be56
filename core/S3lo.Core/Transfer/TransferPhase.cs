namespace S3lo.Core.Transfer;

/// <summary>What is happening to a blob (or, for <see cref="Loading"/>, to the whole image) right now.</summary>
public enum TransferPhase
{
    /// <summary>Read from the source's export (a layer tar out of <c>docker save</c>), encoded as it streams.</summary>
    Exporting,
    /// <summary>Compressed from a spooled tar, after the export.</summary>
    Compressing,
    /// <summary>Bytes go up to a remote destination (push).</summary>
    Uploading,
    /// <summary>Bytes come down from a remote source (pull).</summary>
    Downloading,
    /// <summary>Bytes move between two ends neither of which is this machine's daemon (copy).</summary>
    Copying,
    /// <summary>Every byte is read and its digest checked; the destination is storing the blob.</summary>
    Verifying,
    /// <summary>The daemon is loading the image (or, per layer, applying one).</summary>
    Loading,
}
