using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>
/// Makes every usage error exit 2 (SPEC section 3): an unknown command is caught before Cocona
/// (which would exit 1), and Cocona's own code for an unknown option (129) is mapped to 2.
/// </summary>
public static class UsageGuard
{
    public static readonly string[] Commands = ["push", "pull", "copy", "cp", "list", "ls", "inspect", "delete", "rm", "init"];
    private const int CoconaUnknownOption = 129;

    public static int? Check(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        if (Commands.Contains(args[0], StringComparer.Ordinal)) return null;
        Console.Error.WriteLine($"error: '{args[0]}' is not an s3lo command");
        Console.Error.WriteLine($"hint: commands: {string.Join(", ", Commands)}; 's3lo --help' shows them");
        return ExitCodes.Usage;
    }

    public static int MapExitCode(int code) => code == CoconaUnknownOption ? ExitCodes.Usage : code;
}
