using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.References;
using S3lo.Core.Signing;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary>sign: signs the manifest a tag points at now; the signature file lands beside the tag.</summary>
public sealed class SignCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, SigningKeys keys, TimeProvider clock)
{
    [Command("sign", Description = "Sign the image a tag points at, with a key file or a key service")]
    public Task<int> Sign(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string reference,
        KeyOptions key,
        GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var image = references.ParseImage(reference);
            var tag = TagSigner.RequireTag(image, "sign");
            var signingKey = keys.OpenSigning(key.Key, KeyPassword.ForKey);
            try
            {
                await using var bucket = await buckets.OpenAsync(image.Location, context.StoreOptions, context.Token);
                var document = await TagSigner.SignAsync(bucket, image.Repository, tag, signingKey, clock, context.Token);
                var summary = new SignSummary(image.ToString(), document.Digest, document.KeyId, document.KeyRef, document.SignedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                if (!StructuredWriter.TryWrite(context.Format, summary, c => c.SignSummary))
                    Console.WriteLine($"Signed {Escape(summary.Reference)} ({summary.Digest}) with key {summary.KeyId}");
                return ExitCodes.Success;
            }
            finally
            {
                (signingKey as IDisposable)?.Dispose();
            }
        });
}
