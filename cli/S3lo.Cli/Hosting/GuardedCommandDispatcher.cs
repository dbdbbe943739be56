using Cocona.Application;
using Cocona.Command;
using Cocona.Command.Dispatcher;
using S3lo.Core.Errors;

namespace S3lo.Cli.Hosting;

/// <summary>
/// Cocona's dispatcher, with what escapes it reported as one line. Cocona builds the command object
/// (and so every service it needs) before any filter runs, and prints its own "Unhandled Exception"
/// and stack for a failure there; this wrapper is the one place that sees those too. It also answers
/// an unknown option the s3lo way, before Cocona's middleware does.
/// </summary>
public sealed class GuardedCommandDispatcher(IServiceProvider services) : ICoconaCommandDispatcher
{
    private readonly CoconaCommandDispatcher _inner = new(
        services,
        (ICoconaServiceProviderScopeSupport)services.GetService(typeof(ICoconaServiceProviderScopeSupport))!,
        (ICoconaCommandDispatcherPipelineBuilder)services.GetService(typeof(ICoconaCommandDispatcherPipelineBuilder))!,
        (ICoconaInstanceActivator)services.GetService(typeof(ICoconaInstanceActivator))!,
        (ICoconaAppContextAccessor)services.GetService(typeof(ICoconaAppContextAccessor))!);

    public async ValueTask<int> DispatchAsync(CommandResolverResult commandResolverResult, CancellationToken cancellationToken = default)
    {
        // Cocona's own answer would be "Error: Unknown option 'x'" with no hint.
        if (commandResolverResult is { Success: true, ParsedCommandLine.UnknownOptions: [var unknown, ..], MatchedCommand: { } command }
            && !command.Flags.HasFlag(CommandFlags.IgnoreUnknownOptions))
        {
            var name = unknown.Split('=')[0];
            ErrorReport.Write($"unknown option '{(name.Length == 1 ? "-" : "--")}{name}'",
                command.IsPrimaryCommand ? "'s3lo --help' lists the commands" : $"'s3lo {command.Name} --help' lists its options", null, false);
            return ExitCodes.Usage;
        }
        try
        {
            return await _inner.DispatchAsync(commandResolverResult, cancellationToken).ConfigureAwait(false);
        }
        // Cocona answers these itself: an unknown command, and its own Ctrl+C.
        catch (Exception e) when (e is not CommandNotFoundException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return ErrorReport.Unexpected(e, ErrorReport.IsVerbose(Environment.GetCommandLineArgs()));
        }
    }
}
