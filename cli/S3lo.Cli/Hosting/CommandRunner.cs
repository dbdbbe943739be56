using Cocona;
using Cocona.Application;
using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>Runs a command body and turns every outcome into one readable stderr line and an exit code.</summary>
public sealed class CommandRunner(ILoggerFactory loggers, ICoconaAppContextAccessor app)
{
    public async Task<int> RunAsync(GlobalOptions options, Func<CommandContext, Task<int>> body)
    {
        CommandContext? context = null;
        try
        {
            context = CommandContext.Create(options, app.Current?.CancellationToken ?? CancellationToken.None, loggers);
            return await body(context).ConfigureAwait(false);
        }
        catch (S3loException e)
        {
            Report(e.Message, e.Hint, e, options.Verbose);
            return e.ExitCode;
        }
        catch (OperationCanceledException e) when (context is { Timeout: { } timeout } && !(app.Current?.CancellationToken.IsCancellationRequested ?? false))
        {
            Report($"timed out after {timeout}", "raise --timeout or check the connection", e, options.Verbose);
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            Report(e.Message, null, e, options.Verbose);
            return ExitCodes.Failed;
        }
        finally
        {
            context?.Dispose();
        }
    }

    private static void Report(string message, string? hint, Exception e, bool verbose)
    {
        Console.Error.WriteLine("error: " + OneLine(message));
        if (hint is not null) Console.Error.WriteLine("hint: " + OneLine(hint));
        if (verbose) Console.Error.WriteLine(e.ToString());
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
