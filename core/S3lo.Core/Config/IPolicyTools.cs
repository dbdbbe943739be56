namespace S3lo.Core.Config;

/// <summary>
/// The policy checks that need more than the bucket: a vulnerability scanner for <c>scan</c>, a key for
/// <c>signed</c>. The host supplies them; each returns its own result, <see cref="PolicyOutcome.CannotRun"/>
/// when the tool or key could not be used.
/// </summary>
public interface IPolicyTools
{
    /// <summary>Fails when the image has a finding above <see cref="PolicyRule.MaxSeverity"/>.</summary>
    Task<PolicyResult> ScanAsync(PolicyRule policy, CancellationToken ct);

    /// <summary>Fails when the tag's current manifest has no valid signature by <see cref="PolicyRule.KeyRef"/>.</summary>
    Task<PolicyResult> VerifySignatureAsync(PolicyRule policy, CancellationToken ct);
}
