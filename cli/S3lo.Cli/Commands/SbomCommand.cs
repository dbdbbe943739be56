using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Registry;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Trivy;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary>sbom: the image's software bill of materials, written by trivy from a temp OCI archive. Exit 0, or 2 when it could not be made.</summary>
public sealed class SbomCommand(CommandRunner runner, TransportRegistry transports, TransferEngine engine,
    IEnumerable<IRegistryCredentialProvider> registryCredentials)
{
    private static readonly string[] Formats = ["cyclonedx", "spdx-json", "spdx"];

    [Command("sbom", Description = "Write an image's SBOM (CycloneDX or SPDX) with Trivy")]
    public Task<int> Sbom(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG, IMAGE@sha256:..., a registry ref, oci:DIR, oci-archive:FILE or docker-archive:FILE")] string reference,
        SbomOptions options,
        StoreFlags store,
        TrivyFlags trivy) =>
        runner.RunAsync(options.ToGlobal(store), async context =>
        {
            var archives = new ImageArchives(transports, engine, registryCredentials);
            var from = archives.Parse(reference);
            if (!Formats.Contains(options.Format))
                throw new UsageException($"--format {options.Format} is not an SBOM format", $"use {string.Join(", ", Formats)}");
            var wanted = options.Platform is null ? PlatformSpec.Host() : PlatformSpec.Parse(options.Platform);
            using var output = options.OutputFile is null ? null : ReportFile.For(options.OutputFile);
            var scanner = new TrivyScanner(await new TrivySetup().EnsureAsync(trivy.TrivyPath, trivy.InstallTrivy, context.Token));
            using var workspace = new ScanWorkspace("sbom");
            var archive = workspace.NextArchive();
            await archives.FetchAsync(from, wanted, options.Platform is not null, archive, context);
            var code = await scanner.SbomAsync(archive, options.Format, output?.TempPath, trivy.Database, context.Token);
            if (code != 0)
            {
                Console.Error.WriteLine(Escape($"error: trivy could not make an SBOM of {from.Describe()} (exit {code})"));
                return ExitCodes.Usage;
            }
            if (output is not null && !output.Commit()) throw new TrivyException($"trivy wrote no SBOM to {output.Target}");
            return ExitCodes.Success;
        }, failedExit: ExitCodes.Usage);
}
