using Cocona.Command.Binder;
using Cocona.Command;
using Cocona.Filters;

namespace S3lo.Cli.Hosting;

/// <summary>
/// A missing argument, a stray extra one or a bad option value is a usage error: one line, exit 2.
/// (Other failures that escape a command are <see cref="GuardedCommandDispatcher"/>'s.)
/// </summary>
public sealed class UsageErrorFilter : CommandFilterAttribute
{
    public override async ValueTask<int> OnCommandExecutionAsync(CoconaCommandExecutingContext ctx, CommandExecutionDelegate next)
    {
        var command = FullName(ctx.Command);
        // Cocona drops positional arguments beyond the command's own; a stray word is a mistake to report.
        var expected = ctx.Command.Arguments.Count;
        if (ctx.ParsedCommandLine.Arguments.Count > expected && !ctx.Command.Arguments.Any(a => a.ArgumentType.IsArray))
        {
            var extra = ctx.ParsedCommandLine.Arguments[expected].Value;
            ErrorReport.Write($"unexpected argument '{extra}': '{command}' takes {(expected == 1 ? "one argument" : $"at most {expected} arguments")}",
                $"'s3lo {command} --help' shows how to call it; quote a value that contains spaces", null, false);
            return ExitCodes.Usage;
        }
        try
        {
            return await next(ctx).ConfigureAwait(false);
        }
        catch (ParameterBinderException e)
        {
            ErrorReport.Write(Describe(e, command), $"'s3lo {command} --help' shows how to call it", null, false);
            return ExitCodes.Usage;
        }
    }

    /// <summary>"config set" for a subcommand (Cocona knows only "set"); the group is the first word typed.</summary>
    private static string FullName(CommandDescriptor command)
    {
        var group = Environment.GetCommandLineArgs().Skip(1).FirstOrDefault(a => !a.StartsWith('-'));
        return group is null || group == command.Name || command.Aliases.Contains(group) ? command.Name : $"{group} {command.Name}";
    }

    // Cocona's message for these three is only the result's name ("InsufficientArgument").
    private static string Describe(ParameterBinderException e, string command) => e.Result switch
    {
        ParameterBinderResult.InsufficientArgument when e.Argument is { } a => $"'{command}' needs its {a.Name} argument",
        ParameterBinderResult.InsufficientOption when e.Option is { } o => $"'{command}' needs the --{o.Name} option",
        ParameterBinderResult.InsufficientOptionValue when e.Option is { } o => $"--{o.Name} needs a value",
        _ => e.Message,
    };
}
