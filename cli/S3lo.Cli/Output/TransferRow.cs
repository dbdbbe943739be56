using S3lo.Core.Transfer;

namespace S3lo.Cli.Output;

/// <summary>One blob (or exported layer) on the board: what it is doing now and how far that got.</summary>
public sealed class TransferRow(string digest)
{
    public string Digest { get; } = digest;

    /// <summary>What is shown: the work phase, or <see cref="TransferPhase.Verifying"/> at its end.</summary>
    public TransferPhase Phase { get; internal set; }

    /// <summary>The work the row does (never verifying): its past tense names the row when done.</summary>
    public TransferPhase Work { get; internal set; }

    public long Done { get; internal set; }
    public long Total { get; internal set; }
    public TimeSpan WorkStarted { get; internal set; }
    public TimeSpan? Finished { get; internal set; }
    public bool Skipped { get; internal set; }
    public bool ServerSide { get; internal set; }

    /// <summary>Bytes of this blob moved between the ends (uploaded, downloaded, copied), whatever phase it is in now.</summary>
    public long Moved { get; internal set; }
    public bool Moves { get; internal set; }

    public TimeSpan Took => (Finished ?? WorkStarted) - WorkStarted;
}
