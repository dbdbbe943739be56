using System.Globalization;

namespace S3lo.Core.Config;

/// <summary>Checks one image against the bucket's policies: age and size from the bucket, scan and signed through the host's tools.</summary>
public static class PolicyEvaluation
{
    /// <summary>Every policy in file order, one at a time (a scan can be heavy).</summary>
    public static async Task<IReadOnlyList<PolicyResult>> EvaluateAsync(IReadOnlyList<PolicyRule> policies, PolicySubject image,
        DateTimeOffset now, IPolicyTools tools, CancellationToken ct)
    {
        var results = new List<PolicyResult>(policies.Count);
        foreach (var policy in policies)
        {
            results.Add(policy.Check switch
            {
                PolicyCheck.Scan => await tools.ScanAsync(policy, ct).ConfigureAwait(false),
                PolicyCheck.Signed => await tools.VerifySignatureAsync(policy, ct).ConfigureAwait(false),
                _ => Evaluate(policy, image, now),
            });
        }
        return results;
    }

    /// <summary>The checks that need nothing but the bucket's facts: age and size.</summary>
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
            default:
                throw new ArgumentException($"policy '{policy.Name}' ({policy.Check}) needs a tool: use EvaluateAsync", nameof(policy));
        }
    }

    public static PolicyResult Result(PolicyRule policy, PolicyOutcome outcome, string reason) =>
        new(policy.Name, policy.Check, outcome, reason);

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";

    private static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
