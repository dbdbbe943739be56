using Cocona;

namespace S3lo.Cli.Commands;

/// <summary>The --key flag of sign and verify: a PEM key file or a key service URI.</summary>
public sealed class KeyOptions : ICommandParameterSet
{
    [Option("key", Description = "key file (cosign.key to sign, cosign.pub to verify) or key service URI (awskms:///alias/NAME)", ValueName = "KEY")]
    public string Key { get; set; } = "";
}
