using Microsoft.Extensions.Logging;
using S3lo.Core.Errors;
using S3lo.Core.Time;

namespace S3lo.Cli.Hosting;

/// <summary>Runs a command body and turns every outcome into one readable stderr line and an exit code.</summary>
public sealed class CommandRunner(ILoggerFactory loggers, IShutdownSignal shutdown)
{
    /// <param name="failedExit">
    /// The exit code of a failure the body did not report itself: 1, except for a check (verify, scan, sbom)
    /// whose verdicts own exit 1, so that "could not check" (store, key service or trivy failing, --timeout) is 2.
    /// </param>
    public async Task<int> RunAsync(GlobalOptions options, Func<CommandContext, Task<int>> body, int failedExit = ExitCodes.Failed)
    {
        CommandContext? context = null;
        try
        {
            context = CommandContext.Create(options, shutdown.Token, loggers);
            return await body(context).ConfigureAwait(false);
        }
        catch (S3loException e)
        {
            ErrorReport.Write(e.Message, e.Hint, e, options.Verbose);
            return e is UsageException ? ExitCodes.Usage : failedExit;
        }
        catch (OperationCanceledException e) when (context is { Timeout: { } timeout } && !shutdown.Token.IsCancellationRequested)
        {
            ErrorReport.Write($"timed out after {DurationText.Format(timeout)}", "raise --timeout or check the connection", e, options.Verbose);
            return failedExit;
        }
        catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e)
        {
            var code = ErrorReport.Unexpected(e, options.Verbose);
            return code == ExitCodes.Failed ? failedExit : code;
        }
        finally
        {
            context?.Dispose();
        }
    }
}
