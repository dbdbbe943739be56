using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Commands;

/// <summary>
/// scan's flags. -o/--output names the report file (as cat's does): the report's format is trivy's
/// --format, so the global --output FORMAT has no meaning here.
/// </summary>
public sealed class ScanOptions : ICommandParameterSet
{
    [Option("severity", Description = "comma-separated severities that fail the scan (default HIGH,CRITICAL; also UNKNOWN, LOW, MEDIUM)", ValueName = "LIST")]
    [HasDefaultValue]
    public string? Severity { get; set; }

    [Option("format", Description = "report format: table, json, sarif or cyclonedx", ValueName = "F")]
    [HasDefaultValue]
    public string Format { get; set; } = "table";

    [Option("platform", Description = "os/arch[/variant] of a multi-platform image (default: this machine's)")]
    [HasDefaultValue]
    public string? Platform { get; set; }

    [Option("all-platforms", Description = "scan every platform of a multi-platform image, one after the other")]
    [HasDefaultValue]
    public bool AllPlatforms { get; set; }

    [Option("output", ['o'], Description = "write the report here (atomically) instead of to stdout", ValueName = "FILE")]
    [HasDefaultValue]
    public string? OutputFile { get; set; }

    [Option("no-progress", Description = "no progress bars")]
    [HasDefaultValue]
    public bool NoProgress { get; set; }

    [Option("timeout", Description = "give up after this long (e.g. 30s, 10m, 1h)", ValueName = "DURATION")]
    [HasDefaultValue]
    public string? Timeout { get; set; }

    public GlobalOptions ToGlobal(StoreFlags store) => store.ToGlobal(Timeout, NoProgress);
}
