using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Cli.Transports;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class CopyCommand(CommandRunner runner, TransportRegistry transports, TransferEngine engine,
    IEnumerable<IRegistryCredentialProvider> registryCredentials)
{
    [Command("copy", Aliases = ["cp"], Description = "Copy an image between registries, buckets, OCI layouts, archives and the Docker daemon")]
    public Task<int> Copy(
        [Argument(Description = "registry ref (alpine, ghcr.io/o/a:1), SCHEME://BUCKET/IMAGE:TAG, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE or docker-daemon:IMAGE")] string source,
        [Argument(Description = "registry ref, SCHEME://BUCKET/IMAGE:TAG, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] or docker-daemon:NAME[:TAG]")] string destination,
        GlobalOptions global,
        [Option("platform", Description = "keep only this os/arch[/variant] (the copy is single-arch)")] string? platform = null,
        [Option("creds", Description = "registry login for the destination registry (never sent to the source)", ValueName = "USER:PASS")] string? creds = null,
        [Option("src-creds", Description = "registry login for the source registry only", ValueName = "USER:PASS")] string? sourceCreds = null,
        [Option("dest-creds", Description = "registry login for the destination registry only", ValueName = "USER:PASS")] string? destinationCreds = null,
        [Option("insecure", Description = "allow plain HTTP and unverified TLS for registries")] bool insecure = false,
        [Option("tls-verify", Description = "false: like --insecure (skopeo's spelling)", ValueName = "BOOL")] string? tlsVerify = null,
        [Option("storage-class", Description = "storage class for blobs written to a bucket (S3: INTELLIGENT_TIERING by default; Azure: Hot, Cool, Cold)", ValueName = "CLASS")] string? storageClass = null,
        [Option("force", Description = "move a bucket tag even when the bucket config makes it immutable")] bool force = false) =>
        runner.RunAsync(global, async context =>
        {
            // Both ends are parsed before any I/O, so bad input fails first and alone.
            var from = transports.Parse(source, EndRole.Source);
            var to = transports.Parse(destination, EndRole.Destination);
            var wanted = platform is null ? null : PlatformSpec.Parse(platform);
            var registries = RegistryAccess.From(insecure, tlsVerify, creds, sourceCreds, destinationCreds,
                from.Registry, to.Registry, registryCredentials, context.Logger);

            await using var session = new TransportSession
            {
                Source = from,
                Destination = to,
                StoreOptions = context.StoreOptions,
                StorageClass = storageClass,
                SourceRegistry = registries.SourceOptions,
                DestinationRegistry = registries.DestinationOptions,
                Platform = wanted,
                Force = force,
                Command = "copy",
            };
            // The destination first: a source may spool into its staging directory.
            var writer = await transports.OpenDestinationAsync(session, context.Token);
            var reader = await transports.OpenSourceAsync(session, context.Token);
            using var observer = context.CreateObserver("copy");
            var report = await engine.TransferAsync(reader, writer, new TransferOptions
            {
                Platform = wanted,
                PlatformIsExplicit = wanted is not null,
                Concurrency = context.Options.Concurrency,
                CheckSourceFirst = true,
                Observer = observer,
            }, context.Token);
            observer.Finish();

            var (fromText, toText) = (from.Describe(), to.Describe());
            if (!StructuredWriter.TryWrite(context.Format, TransferSummary.From(report, fromText, toText), c => c.TransferSummary))
            {
                Console.WriteLine($"copied {fromText} to {toText}");
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine(Escape($"platforms: {string.Join(", ", report.Platforms)}"));
                Console.WriteLine($"blobs: {report.BlobsCopied} copied ({Sizes.Human(report.BytesCopied)}), {report.BlobsSkipped} already there"
                    + (report.BlobsRepaired > 0 ? $"; {report.BlobsRepaired} copied again after a concurrent clean" : ""));
                if (report.SignaturesCopied > 0) Console.WriteLine($"signatures: {report.SignaturesCopied} copied");
                Console.WriteLine(TransferText.Result("copied", report.BytesCopied, observer.Elapsed));
            }
            return ExitCodes.Success;
        });
}
