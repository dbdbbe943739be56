
namespace S3lo.Cli.Hosting;

/// <summary>
/// Makes every usage error exit 2 (README, exit codes): an unknown command is caught before Cocona
/// (which would exit 1), and Cocona's own code for an unknown option (129) is mapped to 2.
/// </summary>
public static class UsageGuard
{
    public static readonly string[] Commands = ["push", "pull", "copy", "cp", "list", "ls", "inspect", "delete", "rm", "init", "config", "clean", "history", "stats", "doctor", "cat", "scan", "sbom", "keygen", "sign", "verify", "serve"];
    public static readonly string[] ConfigCommands = ["set", "get", "remove", "recommend", "validate"];
    private const int CoconaUnknownOption = 129;

    /// <summary>`help CMD` and `completion SHELL` as docker spells them, on top of Cocona's --help and --completion.</summary>
    public static string[] Rewrite(string[] args) => args switch
    {
        ["help"] => ["--help"],
        ["help", var command, ..] => [command, "--help"],
        ["completion", var shell] => ["--completion", shell],
        _ => args,
    };

    public static int? Check(string[] args)
    {
        if (args is ["completion", var shell] && shell is not ("bash" or "zsh"))
        {
            Console.Error.WriteLine($"error: no completion for '{Output.TerminalText.Escape(shell)}' yet");
            Console.Error.WriteLine("hint: s3lo completion bash, or s3lo completion zsh");
            return ExitCodes.Usage;
        }
        if (args.Length == 0 || args[0].StartsWith('-') || args[0] is "help" or "completion") return null;
        if (args is ["config", var sub, ..] && !sub.StartsWith('-') && !ConfigCommands.Contains(sub, StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"error: '{Output.TerminalText.Escape(sub)}' is not a config command");
            Console.Error.WriteLine($"hint: config commands: {string.Join(", ", ConfigCommands)}; 's3lo config --help' shows them");
            return ExitCodes.Usage;
        }
        if (Commands.Contains(args[0], StringComparer.Ordinal)) return null;
        Console.Error.WriteLine($"error: '{Output.TerminalText.Escape(args[0])}' is not an s3lo command");
        Console.Error.WriteLine($"hint: commands: {string.Join(", ", Commands)}; 's3lo --help' shows them");
        return ExitCodes.Usage;
    }

    /// <summary>Cocona answers --help on a command with 129 too: asking for help is a success.</summary>
    public static int MapExitCode(int code, string[] args) => code != CoconaUnknownOption ? code
        : args.Contains("--help") || args.Contains("-h") ? ExitCodes.Success
        : ExitCodes.Usage;
}
