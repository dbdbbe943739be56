using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Signing;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary>keygen: an ECDSA P-256 pair for sign and verify, in the files cosign writes (cosign.key, cosign.pub).</summary>
public sealed class KeygenCommand(CommandRunner runner)
{
    [Command("keygen", Description = "Make a key pair to sign images with: PREFIX.key (encrypted, 0600) and PREFIX.pub")]
    public Task<int> Keygen(
        KeygenOptions options,
        GlobalOptions global,
        [Argument(Description = "file name prefix (default: cosign)")] string prefix = "cosign") =>
        runner.RunAsync(global, context =>
        {
            var (privatePath, publicPath) = KeyPairFiles.PathsFor(prefix);
            // Before the password prompt: typing it twice only to hear the files exist is a waste.
            if (!options.Force) KeyPairFiles.RefuseExisting(prefix);
            var keyId = KeyPairFiles.Write(prefix, KeyPassword.ForNewKey(), options.Force);
            if (!StructuredWriter.TryWrite(context.Format, new KeygenSummary(privatePath, publicPath, keyId), c => c.KeygenSummary))
            {
                Console.WriteLine($"Private key written to {Escape(privatePath)}");
                Console.WriteLine($"Public key written to {Escape(publicPath)}");
            }
            return Task.FromResult(ExitCodes.Success);
        });
}
