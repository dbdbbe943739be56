using Cocona.Application;
using Cocona.Command;
using Cocona.Command.Dispatcher;

namespace S3lo.Cli.Hosting;

/// <summary>
/// Cocona's dispatcher, with what escapes it reported as one line. Cocona builds the command object
/// (and so every service it needs) before any filter runs, and prints its own "Unhandled Exception"
/// and stack for a failure there; this wrapper is the one place that sees those too.
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
