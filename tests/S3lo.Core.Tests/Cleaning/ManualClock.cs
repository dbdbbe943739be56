namespace S3lo.Core.Tests.Cleaning;

/// <summary>A clock the test sets: pushes are dated and clean's "now" is chosen, with no waiting.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
