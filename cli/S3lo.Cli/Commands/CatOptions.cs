using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Commands;

/// <summary>
/// cat's flags. Its -o/--output names the file to write (as curl's does): cat prints bytes, never a
/// report, so the global --output FORMAT has no meaning here and its short name is taken back.
/// </summary>
public sealed class CatOptions : ICommandParameterSet
{
    [Option("platform", Description = "os/arch[/variant] of a multi-platform image (default: this machine's)")]
    [HasDefaultValue]
    public string? Platform { get; set; }

    [Option("output", ['o'], Description = "write the file here (atomically) instead of to stdout", ValueName = "FILE")]
    [HasDefaultValue]
    public string? OutputFile { get; set; }

    [Option("timeout", Description = "give up after this long (e.g. 30s, 10m, 1h)", ValueName = "DURATION")]
    [HasDefaultValue]
    public string? Timeout { get; set; }

    public GlobalOptions ToGlobal(StoreFlags store) => store.ToGlobal(Timeout);
}
