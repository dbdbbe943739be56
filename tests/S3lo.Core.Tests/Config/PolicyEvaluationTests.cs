using S3lo.Core.Config;

namespace S3lo.Core.Tests.Config;

public sealed class PolicyEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<PolicyRule> Policies = BucketConfigParser.Parse("""
        policies:
          - {name: no-critical, check: scan, max_severity: HIGH}
          - {name: fresh, check: age, max_days: 90}
          - {name: signed, check: signed, key_ref: cosign.pub}
          - {name: small, check: size, max_bytes: 1000}
        """, "s3lo.yaml").Policies;

    [Test]
    public async Task AFreshSmallImagePassesAgeAndSizeAndTheToolsAnswerScanAndSignedInFileOrder()
    {
        var tools = new AnsweringTools();
        var results = await PolicyEvaluation.EvaluateAsync(Policies, new PolicySubject(Now.AddDays(-3), 1000), Now, tools, CancellationToken.None);

        Assert.That(results, Is.EqualTo(new[]
        {
            new PolicyResult("no-critical", PolicyCheck.Scan, PolicyOutcome.Failed, "scanned above HIGH"),
            new PolicyResult("fresh", PolicyCheck.Age, PolicyOutcome.Passed, "pushed 3 days ago, within 90 days"),
            new PolicyResult("signed", PolicyCheck.Signed, PolicyOutcome.CannotRun, "key cosign.pub unreadable"),
            new PolicyResult("small", PolicyCheck.Size, PolicyOutcome.Passed, "1,000 bytes, within 1,000 bytes"),
        }));
        Assert.That(tools.Asked, Is.EqualTo(new[] { "scan no-critical", "signed cosign.pub" }));
    }

    [Test]
    public async Task AnOldLargeImageFailsAgeAndSize()
    {
        var results = await PolicyEvaluation.EvaluateAsync(Policies, new PolicySubject(Now.AddDays(-90).AddSeconds(-1), 1001), Now, new AnsweringTools(), CancellationToken.None);

        Assert.That(results[1], Is.EqualTo(new PolicyResult("fresh", PolicyCheck.Age, PolicyOutcome.Failed, "pushed 90 days ago, more than 90 days")));
        Assert.That(results[3], Is.EqualTo(new PolicyResult("small", PolicyCheck.Size, PolicyOutcome.Failed, "1,001 bytes, more than 1,000 bytes")));
    }

    [Test]
    public void ExactlyTheLimitPasses()
    {
        var result = PolicyEvaluation.Evaluate(Policies[1], new PolicySubject(Now.AddDays(-90), 0), Now);
        Assert.That(result.Outcome, Is.EqualTo(PolicyOutcome.Passed));
        Assert.That(result.Reason, Is.EqualTo("pushed 90 days ago, within 90 days"));
    }

    [Test]
    public void APushInTheFutureCountsAsZeroDays() =>
        Assert.That(PolicyEvaluation.Evaluate(Policies[1], new PolicySubject(Now.AddHours(2), 0), Now).Reason,
            Is.EqualTo("pushed 0 days ago, within 90 days"));

    /// <summary>Stands in for Trivy and the key: this test is about order and routing, not about scanning.</summary>
    private sealed class AnsweringTools : IPolicyTools
    {
        public List<string> Asked { get; } = [];

        public Task<PolicyResult> ScanAsync(PolicyRule policy, CancellationToken ct)
        {
            Asked.Add($"scan {policy.Name}");
            return Task.FromResult(PolicyEvaluation.Result(policy, PolicyOutcome.Failed, $"scanned above {policy.MaxSeverity}"));
        }

        public Task<PolicyResult> VerifySignatureAsync(PolicyRule policy, CancellationToken ct)
        {
            Asked.Add($"signed {policy.KeyRef}");
            return Task.FromResult(PolicyEvaluation.Result(policy, PolicyOutcome.CannotRun, $"key {policy.KeyRef} unreadable"));
        }
    }
}
