namespace S3lo.Trivy;

/// <summary>What a scan decided, as a gate: trivy's exit code mapped (0 clean, 5 findings, anything else could not run).</summary>
public enum ScanVerdict
{
    /// <summary>No vulnerability at or above the severities asked for.</summary>
    Clean,

    /// <summary>At least one finding at or above the severities asked for.</summary>
    Findings,

    /// <summary>trivy failed (its own errors exit 1), was killed, or exited with an unexpected code.</summary>
    CouldNotRun,
}
