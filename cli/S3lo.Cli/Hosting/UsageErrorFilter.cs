using Cocona.Command.Binder;
using Cocona.Filters;
using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>A missing argument or a bad option value is a usage error: one line, exit 2.</summary>
public sealed class UsageErrorFilter : CommandFilterAttribute
{
    public override async ValueTask<int> OnCommandExecutionAsync(CoconaCommandExecutingContext ctx, CommandExecutionDelegate next)
    {
        try
        {
            return await next(ctx).ConfigureAwait(false);
        }
        catch (ParameterBinderException e)
        {
            Console.Error.WriteLine("error: " + e.Message.ReplaceLineEndings(" "));
            Console.Error.WriteLine($"hint: 's3lo {ctx.Command.Name} --help' shows how to call it");
            return ExitCodes.Usage;
        }
    }
}
