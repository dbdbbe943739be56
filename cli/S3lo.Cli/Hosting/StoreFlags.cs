using Cocona;

namespace S3lo.Cli.Hosting;

/// <summary>
/// The store flags of the commands that cannot take <see cref="GlobalOptions"/> whole: cat, scan and sbom
/// use -o/--output for a file, serve has no --output and no --timeout.
/// </summary>
public sealed class StoreFlags : ICommandParameterSet
{
    [Option("endpoint", Description = "S3-compatible endpoint URL (MinIO, R2, Ceph)", ValueName = "URL")]
    [HasDefaultValue]
    public string? Endpoint { get; set; }

    [Option("region", Description = "cloud region (default: discovered)", ValueName = "R")]
    [HasDefaultValue]
    public string? Region { get; set; }

    [Option("verbose", ['v'], Description = "debug log to stderr")]
    [HasDefaultValue]
    public bool Verbose { get; set; }

    public GlobalOptions ToGlobal(string? timeout = null, bool noProgress = true) =>
        new() { Endpoint = Endpoint, Region = Region, Verbose = Verbose, Timeout = timeout, NoProgress = noProgress };
}
