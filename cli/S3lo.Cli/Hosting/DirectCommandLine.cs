using System.Globalization;

namespace S3lo.Cli.Hosting;

/// <summary>
/// The command lines the direct dispatch answers without building Cocona's host: a hot read command
/// (list, inspect) with its one argument and global flags only. Anything else — help, an unknown or
/// malformed flag, a second argument — is left to Cocona, whose answers (and errors) stay the reference.
/// </summary>
public sealed record DirectCommandLine(string Command, string Argument, GlobalOptions Options)
{
    /// <summary>The commands answered directly, by every name they go by.</summary>
    public static readonly IReadOnlyDictionary<string, string> Commands = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["list"] = "list",
        ["ls"] = "list",
        ["inspect"] = "inspect",
    };

    /// <summary>The global flags by every spelling, and whether each takes a value (GlobalOptions is the source).</summary>
    public static readonly IReadOnlyDictionary<string, bool> Flags = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["--endpoint"] = true,
        ["--region"] = true,
        ["--output"] = true,
        ["-o"] = true,
        ["--verbose"] = false,
        ["-v"] = false,
        ["--progress"] = true,
        ["--no-progress"] = false,
        ["--timeout"] = true,
        ["--concurrency"] = true,
    };

    public static DirectCommandLine? TryParse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || !Commands.TryGetValue(args[0], out var command)) return null;
        var options = new GlobalOptions();
        string? argument = null;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                if (argument is not null) return null;
                argument = arg;
                continue;
            }
            var (name, inline) = arg.IndexOf('=') is > 0 and var eq ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            if (!Flags.TryGetValue(name, out var takesValue)) return null;
            string? value = inline;
            if (takesValue && value is null)
            {
                if (++i == args.Count) return null;
                value = args[i];
            }
            else if (!takesValue && value is not null) return null;
            if (!Apply(options, name, value)) return null;
        }
        return argument is null ? null : new DirectCommandLine(command, argument, options);
    }

    private static bool Apply(GlobalOptions options, string name, string? value)
    {
        switch (name)
        {
            case "--endpoint": options.Endpoint = value; break;
            case "--region": options.Region = value; break;
            case "--output" or "-o": options.Output = value!; break;
            case "--verbose" or "-v": options.Verbose = true; break;
            case "--progress": options.Progress = value; break;
            case "--no-progress": options.NoProgress = true; break;
            case "--timeout": options.Timeout = value; break;
            case "--concurrency":
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return false;
                options.Concurrency = n;
                break;
            default: return false;
        }
        return true;
    }
}
