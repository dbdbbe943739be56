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

/// <summary>
/// scan: fetches an image (no Docker) into a temp OCI archive and runs trivy on it as a gate. Exit 0: no
/// finding at the severities asked for; 1: findings; 2: the scan could not run (bad input, no trivy, the
/// image could not be fetched, trivy failed). trivy's report reaches our stdout unchanged.
/// </summary>
public sealed class ScanCommand(CommandRunner runner, TransportRegistry transports, TransferEngine engine,
    IEnumerable<IRegistryCredentialProvider> registryCredentials)
{
    private static readonly string[] Formats = ["table", "json", "sarif", "cyclonedx"];

    [Command("scan", Description = "Scan an image for vulnerabilities with Trivy (exit 1 on findings)")]
    public Task<int> Scan(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG, IMAGE@sha256:..., a registry ref, oci:DIR, oci-archive:FILE or docker-archive:FILE")] string reference,
        ScanOptions options,
        StoreFlags store,
        TrivyFlags trivy) =>
        runner.RunAsync(options.ToGlobal(store), async context =>
        {
            // All input is checked before trivy is looked for or anything is fetched.
            var archives = new ImageArchives(transports, engine, registryCredentials);
            var from = archives.Parse(reference);
            var severities = Severities.Parse(options.Severity ?? Severities.Default);
            if (!Formats.Contains(options.Format))
                throw new UsageException($"--format {options.Format} is not one scan writes", $"use {string.Join(", ", Formats)}");
            if (options.AllPlatforms && options.Platform is not null)
                throw new UsageException("--all-platforms and --platform contradict each other", "give one of them");
            if (options.AllPlatforms && options.OutputFile is not null)
                throw new UsageException("-o writes one report; --all-platforms makes one per platform", "scan one --platform at a time to write files");
            var wanted = options.Platform is null ? PlatformSpec.Host() : PlatformSpec.Parse(options.Platform);
            using var report = options.OutputFile is null ? null : ReportFile.For(options.OutputFile);

            var scanner = new TrivyScanner(await new TrivySetup().EnsureAsync(trivy.TrivyPath, trivy.InstallTrivy, context.Token));
            using var workspace = new ScanWorkspace("scan");
            IReadOnlyList<(PlatformSpec Platform, bool Explicit)> targets = options.AllPlatforms
                ? [.. (await archives.PlatformsAsync(from, context)).Select(p => (p, true))]
                : [(wanted, options.Platform is not null)];
            var verdicts = new List<ScanVerdict>();
            foreach (var (platform, isExplicit) in targets)
            {
                if (options.AllPlatforms) Console.Error.WriteLine(Escape($"=== {from.Describe()} {platform} ==="));
                var verdict = await ScanOneAsync(archives, scanner, from, platform, isExplicit, severities, options.Format,
                    report?.TempPath, trivy.Database, workspace, context);
                verdicts.Add(verdict);
                if (verdict == ScanVerdict.Findings)
                    Console.Error.WriteLine(Escape($"scan: {from.Describe()} ({platform}) has vulnerabilities at {string.Join(',', severities)}"));
            }
            if (report is not null && verdicts is [ScanVerdict.Clean or ScanVerdict.Findings] && !report.Commit())
                throw new TrivyException($"trivy wrote no report to {report.Target}");
            return verdicts.Contains(ScanVerdict.CouldNotRun) ? ExitCodes.Usage
                : verdicts.Contains(ScanVerdict.Findings) ? ExitCodes.Failed
                : ExitCodes.Success;
        }, failedExit: ExitCodes.Usage);

    private static async Task<ScanVerdict> ScanOneAsync(ImageArchives archives, TrivyScanner scanner, TransportReference from,
        PlatformSpec platform, bool isExplicit, IReadOnlyList<string> severities, string format, string? outputFile,
        TrivyDatabaseOptions database, ScanWorkspace workspace, CommandContext context)
    {
        var archive = workspace.NextArchive();
        try
        {
            await archives.FetchAsync(from, platform, isExplicit, archive, context);
            var verdict = await scanner.ScanArchiveAsync(archive, severities, context.Token, format, outputFile, database);
            if (verdict == ScanVerdict.CouldNotRun) Console.Error.WriteLine(Escape($"error: trivy could not scan {from.Describe()} ({platform})"));
            return verdict;
        }
        finally
        {
            ScanWorkspace.Remove(archive);
        }
    }
}
