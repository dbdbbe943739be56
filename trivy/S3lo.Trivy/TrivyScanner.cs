namespace S3lo.Trivy;

/// <summary>
/// Runs one trivy over an OCI archive: <c>trivy image --input ARCHIVE ...</c>. Reusable outside the scan
/// command (config validate's scan policy): give it an archive and severities, get a verdict.
/// </summary>
public sealed class TrivyScanner(string trivyPath)
{
    /// <summary>The exit code s3lo asks trivy to use for findings: trivy's own errors exit 1, so 1 cannot mean both.</summary>
    public const int FindingsExitCode = 5;

    public string TrivyPath { get; } = trivyPath;

    /// <summary>Scans the image in <paramref name="archivePath"/> and maps trivy's exit code to a verdict.</summary>
    /// <param name="format">trivy's --format (table, json, sarif, cyclonedx).</param>
    /// <param name="outputFile">trivy's --output; null writes the report to stdout.</param>
    /// <param name="passStdout">False: the report is dropped, only the verdict counts.</param>
    public async Task<ScanVerdict> ScanArchiveAsync(string archivePath, IReadOnlyList<string> severities, CancellationToken ct,
        string format = "table", string? outputFile = null, TrivyDatabaseOptions? database = null, bool passStdout = true)
    {
        var code = await TrivyProcess.RunAsync(TrivyPath, ScanArguments(archivePath, severities, format, outputFile, database), passStdout, ct)
            .ConfigureAwait(false);
        return Verdict(code);
    }

    /// <summary>Writes an SBOM of the image in <paramref name="archivePath"/>; returns trivy's exit code.</summary>
    public Task<int> SbomAsync(string archivePath, string format, string? outputFile, TrivyDatabaseOptions? database, CancellationToken ct)
    {
        List<string> arguments = ["image", "--input", archivePath, "--format", format];
        if (outputFile is not null) arguments.AddRange(["--output", outputFile]);
        arguments.AddRange((database ?? new TrivyDatabaseOptions()).ToArguments());
        return TrivyProcess.RunAsync(TrivyPath, arguments, passStdout: true, ct);
    }

    public static IReadOnlyList<string> ScanArguments(string archivePath, IReadOnlyList<string> severities, string format,
        string? outputFile, TrivyDatabaseOptions? database)
    {
        List<string> arguments = ["image", "--input", archivePath, "--severity", string.Join(',', severities), "--format", format,
            "--exit-code", FindingsExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (outputFile is not null) arguments.AddRange(["--output", outputFile]);
        arguments.AddRange((database ?? new TrivyDatabaseOptions()).ToArguments());
        return arguments;
    }

    public static ScanVerdict Verdict(int exitCode) => exitCode switch
    {
        0 => ScanVerdict.Clean,
        FindingsExitCode => ScanVerdict.Findings,
        _ => ScanVerdict.CouldNotRun,
    };
}
