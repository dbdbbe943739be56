using Cocona;

namespace S3lo.Cli.Commands;

/// <summary>keygen's own flag.</summary>
public sealed class KeygenOptions : ICommandParameterSet
{
    [Option("force", Description = "replace PREFIX.key and PREFIX.pub when they exist")]
    [HasDefaultValue]
    public bool Force { get; set; }
}
