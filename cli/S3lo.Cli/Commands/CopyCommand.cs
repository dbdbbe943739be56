using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Transfer;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class CopyCommand(CommandRunner runner, BucketOpener buckets, TransferEngine engine, TimeProvider clock,
    IEnumerable<IRegistryCredentialProvider> registryCredentials)
{
    [Command("copy", Aliases = ["cp"], Description = "Copy an image between registries, buckets, OCI layouts and archives (no Docker needed)")]
    public Task<int> Copy(
        [Argument(Description = "registry ref (alpine, ghcr.io/o/a:1), SCHEME://BUCKET/IMAGE:TAG, oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE")] string source,
        [Argument(Description = "registry ref, SCHEME://BUCKET/IMAGE:TAG, oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]")] string destination,
        GlobalOptions global,
        [Option("platform", Description = "keep only this os/arch[/variant] (the copy is single-arch)")] string? platform = null,
        [Option("creds", Description = "registry login for the destination registry (never sent to the source)", ValueName = "USER:PASS")] string? creds = null,
        [Option("src-creds", Description = "registry login for the source registry only", ValueName = "USER:PASS")] string? sourceCreds = null,
        [Option("dest-creds", Description = "registry login for the destination registry only", ValueName = "USER:PASS")] string? destinationCreds = null,
        [Option("insecure", Description = "allow plain HTTP and unverified TLS for registries")] bool insecure = false,
        [Option("tls-verify", Description = "false: like --insecure (skopeo's spelling)", ValueName = "BOOL")] string? tlsVerify = null,
        [Option("storage-class", Description = "storage class for blobs written to a bucket (S3: INTELLIGENT_TIERING by default; Azure: Hot, Cool, Cold)", ValueName = "CLASS")] string? storageClass = null) =>
        runner.RunAsync(global, async context =>
        {
            CopyEndpoints.Validate(source, isDestination: false);
            CopyEndpoints.Validate(destination, isDestination: true);
            var wanted = platform is null ? null : PlatformSpec.Parse(platform);
            var registries = RegistryAccess.From(insecure, tlsVerify, creds, sourceCreds, destinationCreds,
                CopyEndpoints.RegistryOf(source), CopyEndpoints.RegistryOf(destination), registryCredentials, context.Logger);

            await using var endpoints = new CopyEndpoints(buckets, clock, registries);
            var writer = await endpoints.OpenDestinationAsync(destination, context.StoreOptions with { StorageClass = storageClass },
                CopyEndpoints.RepoTagOf(source), source, context.Token);
            var staging = (writer as IFileBlobDestination)?.StagingDirectory;
            var reader = await endpoints.OpenSourceAsync(source, context.StoreOptions, wanted, staging, context.Token);
            var observer = context.CreateObserver("copy");
            var report = await engine.TransferAsync(reader, writer, new TransferOptions
            {
                Platform = wanted,
                PlatformIsExplicit = wanted is not null,
                Concurrency = context.Options.Concurrency,
                CheckSourceFirst = true,
                Observer = observer,
            }, context.Token);
            (observer as ConsoleTransferObserver)?.Finish();

            var (from, to) = (CopyEndpoints.Describe(source), CopyEndpoints.Describe(destination));
            if (!StructuredWriter.TryWrite(context.Format, TransferSummary.From(report, from, to), c => c.TransferSummary))
            {
                Console.WriteLine($"copied {from} to {to}");
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine(Escape($"platforms: {string.Join(", ", report.Platforms)}"));
                Console.WriteLine($"blobs: {report.BlobsCopied} copied ({Sizes.Human(report.BytesCopied)}), {report.BlobsSkipped} already there");
            }
            return ExitCodes.Success;
        });
}
