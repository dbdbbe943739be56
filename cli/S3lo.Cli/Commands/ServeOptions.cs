using Cocona;
using S3lo.Cli.Hosting;

namespace S3lo.Cli.Commands;

/// <summary>serve's flags: where to listen, and the store flags (no --timeout: a server runs until stopped).</summary>
public sealed class ServeOptions : ICommandParameterSet
{
    [Option("host", Description = "address to listen on: 127.0.0.1, ::1 or localhost until auth and TLS exist", ValueName = "ADDR")]
    [HasDefaultValue]
    public string Host { get; set; } = "127.0.0.1";

    [Option("port", Description = "TCP port (0 picks a free one)", ValueName = "PORT")]
    [HasDefaultValue]
    public int Port { get; set; } = 5000;

    [Option("endpoint", Description = "S3-compatible endpoint URL (MinIO, R2, Ceph)", ValueName = "URL")]
    [HasDefaultValue]
    public string? Endpoint { get; set; }

    [Option("region", Description = "cloud region (default: discovered)", ValueName = "R")]
    [HasDefaultValue]
    public string? Region { get; set; }

    [Option("verbose", ['v'], Description = "debug log to stderr")]
    [HasDefaultValue]
    public bool Verbose { get; set; }

    public GlobalOptions ToGlobal() => new() { Endpoint = Endpoint, Region = Region, Verbose = Verbose, NoProgress = true };
}
