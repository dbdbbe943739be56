namespace S3lo.Core.Config;

public enum PolicyOutcome
{
    Passed,
    Failed,
    /// <summary>The check needs a command this build does not have yet (scan, sign): <c>config validate</c> exits 2 naming it.</summary>
    CannotRun,
}
