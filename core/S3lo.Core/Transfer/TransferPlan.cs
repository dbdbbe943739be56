using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>What a transfer will write: the root after platform selection, its images, and their blobs in order.</summary>
public sealed record TransferPlan(ManifestBlob Root, IReadOnlyList<PlannedImage> Images, IReadOnlyList<Descriptor> Blobs)
{
    /// <summary>Where a destination reports work of its own (the daemon loading the image).</summary>
    public ITransferObserver Observer { get; init; } = NullTransferObserver.Instance;
}

/// <summary>One image manifest of the transfer, with the platform its index (or config) gives it.</summary>
public sealed record PlannedImage(ManifestBlob Manifest, Platform? Platform, bool IsAttestation);
