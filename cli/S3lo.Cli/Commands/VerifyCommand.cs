using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.References;
using S3lo.Core.Signing;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary>
/// verify: 0 when the key's signature covers what the tag points at now; 1 when it does not (missing, invalid,
/// or the tag moved since signing); 2 when it could not be checked (bad input, store or key service unreachable).
/// </summary>
public sealed class VerifyCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, SigningKeys keys)
{
    [Command("verify", Description = "Check a tag's signature by a key (exit 0 valid, 1 not, 2 could not check)")]
    public Task<int> Verify(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string reference,
        KeyOptions key,
        GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var image = references.ParseImage(reference);
            var tag = TagSigner.RequireTag(image, "verify");
            var publicKey = keys.OpenPublic(key.Key, KeyPassword.ForPublicHalf);
            try
            {
                await using var bucket = await buckets.OpenAsync(image.Location, context.StoreOptions, context.Token);
                var result = await TagVerifier.VerifyAsync(bucket, image.Repository, tag, publicKey, context.Token);
                return Report(context, VerifySummary.From(image.ToString(), result), $"{image.Repository}:{tag} not found in {bucket.Name}", bucket.Name);
            }
            finally
            {
                (publicKey as IDisposable)?.Dispose();
            }
        }, failedExit: ExitCodes.Usage);

    private static int Report(CommandContext context, VerifySummary summary, string noTag, string bucketName)
    {
        var written = StructuredWriter.TryWrite(context.Format, summary, c => c.VerifySummary);
        if (summary.Verified)
        {
            if (!written) Console.WriteLine($"Verified OK: {Escape(summary.Reference)} {summary.Digest} signed by key {summary.KeyId} at {summary.SignedAt}");
            return ExitCodes.Success;
        }
        // Failures always reach stderr as one line, also beside the JSON on stdout (ErrorReport escapes).
        var reference = summary.Reference;
        var (message, hint) = summary.Result switch
        {
            "missing" => ($"no signature by key {summary.KeyId} on {reference}",
                "'s3lo sign' with the matching private key writes one; check --key names the right key"),
            // No such tag: nothing there is signed, a verdict (1); a bucket that is not there is a failure to check (2).
            "no-tag" => (noTag, $"'s3lo list {bucketName}/' shows what is there"),
            "moved" => ($"{reference} now points at {summary.Digest}, but the signature by key {summary.KeyId} covers {summary.SignedDigest}",
                "the tag was pushed again after it was signed: sign it again if the new image is trusted"),
            _ => ($"invalid signature by key {summary.KeyId} on {reference}: {summary.Reason}", null),
        };
        ErrorReport.Write(message, hint, null, verbose: false);
        return ExitCodes.Failed;
    }
}
