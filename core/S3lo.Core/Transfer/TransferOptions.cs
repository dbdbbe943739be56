using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

public sealed record TransferOptions
{
    /// <summary>Keep only this platform (the result is single-arch); null keeps the whole index.</summary>
    public PlatformSpec? Platform { get; init; }

    /// <summary>
    /// True when the user typed the platform. A single-arch image of another platform is then an
    /// error; otherwise (a default such as the host's) it is transferred with a warning.
    /// </summary>
    public bool PlatformIsExplicit { get; init; }

    /// <summary>Parallel blob transfers.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Check that the source has every blob before writing anything (cheap for buckets).</summary>
    public bool CheckSourceFirst { get; init; }

    public ITransferObserver Observer { get; init; } = NullTransferObserver.Instance;

    /// <summary>The phase a blob moving from source to destination is in, as the command words it: uploading (push), downloading (pull).</summary>
    public TransferPhase MovePhase { get; init; } = TransferPhase.Copying;
}
