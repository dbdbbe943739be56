using S3lo.Cli.Hosting;
using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Signing;
using S3lo.Core.Transports;
using S3lo.Trivy;

namespace S3lo.Cli.Commands;

/// <summary>
/// config validate's <c>scan</c> and <c>signed</c> policies, run with the tools of <c>s3lo scan</c> and
/// <c>s3lo verify</c>. A policy never installs or prompts: a missing trivy or an unusable key is "cannot run".
/// </summary>
internal sealed class PolicyTools(ImageArchives archives, TransportReference image, ImageBucket bucket, string repository, string tag,
    SigningKeys keys, CommandContext context) : IPolicyTools
{
    public async Task<PolicyResult> ScanAsync(PolicyRule policy, CancellationToken ct)
    {
        var max = policy.MaxSeverity!;
        var failing = Severities.Above(max);
        if (failing.Count == 0) return PolicyEvaluation.Result(policy, PolicyOutcome.Passed, $"max_severity {max} allows every finding");
        string? trivy;
        try
        {
            trivy = new TrivySetup().TryLocate(null);
        }
        catch (UsageException e)
        {
            return PolicyEvaluation.Result(policy, PolicyOutcome.CannotRun, e.Message);
        }
        if (trivy is null)
            return PolicyEvaluation.Result(policy, PolicyOutcome.CannotRun, "trivy is not installed ('s3lo scan --install-trivy REF' installs it)");

        using var workspace = new ScanWorkspace("policy");
        var archive = workspace.NextArchive();
        ScanVerdict verdict;
        try
        {
            await archives.FetchAsync(image, PlatformSpec.Host(), platformIsExplicit: false, archive, context);
            verdict = await new TrivyScanner(trivy).ScanArchiveAsync(archive, failing, ct, passStdout: false);
        }
        catch (S3loException e)
        {
            return PolicyEvaluation.Result(policy, PolicyOutcome.CannotRun, e.Message);
        }
        var above = string.Join(',', failing);
        return verdict switch
        {
            ScanVerdict.Clean => PolicyEvaluation.Result(policy, PolicyOutcome.Passed, $"no vulnerabilities at {above}"),
            ScanVerdict.Findings => PolicyEvaluation.Result(policy, PolicyOutcome.Failed, $"vulnerabilities at {above} ('s3lo scan' lists them)"),
            _ => PolicyEvaluation.Result(policy, PolicyOutcome.CannotRun, "trivy could not scan the image"),
        };
    }

    public async Task<PolicyResult> VerifySignatureAsync(PolicyRule policy, CancellationToken ct)
    {
        VerifyResult result;
        try
        {
            var key = keys.OpenPublic(policy.KeyRef!, KeyPassword.ForPublicHalf);
            try
            {
                result = await TagVerifier.VerifyAsync(bucket, repository, tag, key, ct);
            }
            finally
            {
                (key as IDisposable)?.Dispose();
            }
        }
        catch (S3loException e)
        {
            return PolicyEvaluation.Result(policy, PolicyOutcome.CannotRun, e.Message);
        }
        return result switch
        {
            VerifyResult.Valid valid => PolicyEvaluation.Result(policy, PolicyOutcome.Passed,
                $"signed by key {valid.KeyId} at {valid.SignedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}"),
            VerifyResult.Moved moved => PolicyEvaluation.Result(policy, PolicyOutcome.Failed,
                $"the signature by key {moved.KeyId} covers {moved.SignedDigest}, the tag points at {moved.CurrentDigest}"),
            VerifyResult.Invalid invalid => PolicyEvaluation.Result(policy, PolicyOutcome.Failed, $"invalid signature by key {invalid.KeyId}: {invalid.Reason}"),
            _ => PolicyEvaluation.Result(policy, PolicyOutcome.Failed, $"no signature by key {result.KeyId}"),
        };
    }
}
