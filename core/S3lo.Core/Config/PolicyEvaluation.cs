using System.Globalization;

namespace S3lo.Core.Config;

/// <summary>Checks one image against the bucket's policies: age and size now; scan and signed once their commands exist.</summary>
public static class PolicyEvaluation
{
    public static IReadOnlyList<PolicyResult> Evaluate(IReadOnlyList<PolicyRule> policies, PolicySubject image, DateTimeOffset now) =>
        policies.Select(policy => Evaluate(policy, image, now)).ToList();

    public static PolicyResult Evaluate(PolicyRule policy, PolicySubject image, DateTimeOffset now)
    {
        switch (policy.Check)
        {
            case PolicyCheck.Age:
                var maxDays = policy.MaxDays ?? throw new ArgumentException($"policy '{policy.Name}' has no max_days", nameof(policy));
                var age = now - image.PushedAt;
                var days = Math.Max(0, (int)Math.Floor(age.TotalDays));
                return age <= TimeSpan.FromDays(maxDays)
                    ? Result(policy, PolicyOutcome.Passed, $"pushed {Days(days)} ago, within {Days(maxDays)}")
                    : Result(policy, PolicyOutcome.Failed, $"pushed {Days(days)} ago, more than {Days(maxDays)}");
            case PolicyCheck.Size:
                var maxBytes = policy.MaxBytes ?? throw new ArgumentException($"policy '{policy.Name}' has no max_bytes", nameof(policy));
                return image.TotalBytes <= maxBytes
                    ? Result(policy, PolicyOutcome.Passed, $"{Bytes(image.TotalBytes)}, within {Bytes(maxBytes)}")
                    : Result(policy, PolicyOutcome.Failed, $"{Bytes(image.TotalBytes)}, more than {Bytes(maxBytes)}");
            case PolicyCheck.Scan:
                return Result(policy, PolicyOutcome.CannotRun, "cannot run yet: needs 's3lo scan' (not built yet)");
            default:
                return Result(policy, PolicyOutcome.CannotRun, "cannot run yet: needs 's3lo sign' (not built yet)");
        }
    }

    private static PolicyResult Result(PolicyRule policy, PolicyOutcome outcome, string reason) =>
        new(policy.Name, policy.Check, outcome, reason);

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";

    private static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
