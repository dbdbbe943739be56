namespace S3lo.Core.Config;

public enum PolicyOutcome
{
    Passed,
    Failed,
    /// <summary>The check could not run (no Trivy, an unreadable key, a key service down): <c>config validate</c> exits 2 naming it.</summary>
    CannotRun,
}
