using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Commands;

/// <summary>sbom's flags; -o/--output names the SBOM file, as cat's names the file it writes.</summary>
public sealed class SbomOptions : ICommandParameterSet
{
    [Option("format", Description = "cyclonedx, spdx-json or spdx", ValueName = "F")]
    [HasDefaultValue]
    public string Format { get; set; } = "cyclonedx";

    [Option("platform", Description = "os/arch[/variant] of a multi-platform image (default: this machine's)")]
    [HasDefaultValue]
    public string? Platform { get; set; }

    [Option("output", ['o'], Description = "write the SBOM here (atomically) instead of to stdout", ValueName = "FILE")]
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
