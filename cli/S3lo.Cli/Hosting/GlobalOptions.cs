using Cocona;

namespace S3lo.Cli.Hosting;

/// <summary>The flags every command takes.</summary>
public sealed class GlobalOptions : ICommandParameterSet
{
    [Option("endpoint", Description = "S3-compatible endpoint URL (MinIO, R2, Ceph)", ValueName = "URL")]
    [HasDefaultValue]
    public string? Endpoint { get; set; }

    [Option("region", Description = "cloud region (default: discovered)", ValueName = "R")]
    [HasDefaultValue]
    public string? Region { get; set; }

    [Option("output", ['o'], Description = "text, json or yaml", ValueName = "FORMAT")]
    [HasDefaultValue]
    public string Output { get; set; } = "text";

    [Option("verbose", ['v'], Description = "debug log to stderr")]
    [HasDefaultValue]
    public bool Verbose { get; set; }

    [Option("progress", Description = "auto (default), tty (a line per layer), plain (a line per finished blob) or none", ValueName = "MODE")]
    [HasDefaultValue]
    public string? Progress { get; set; }

    [Option("no-progress", Description = "no progress (same as --progress none)")]
    [HasDefaultValue]
    public bool NoProgress { get; set; }

    [Option("timeout", Description = "give up after this long (e.g. 30s, 10m, 1h)", ValueName = "DURATION")]
    [HasDefaultValue]
    public string? Timeout { get; set; }

    [Option("concurrency", Description = "parallel transfers (default 8)", ValueName = "N")]
    [HasDefaultValue]
    public int Concurrency { get; set; } = 8;
}
