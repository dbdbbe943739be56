using System.Runtime.InteropServices;
using Cocona.Application;

namespace S3lo.Cli.Hosting;

/// <summary>The token Ctrl-C (and SIGTERM) cancels, wherever the command was dispatched from.</summary>
public interface IShutdownSignal
{
    CancellationToken Token { get; }
}

/// <summary>Cocona's host owns the signals: its app context carries the token.</summary>
internal sealed class CoconaShutdownSignal(ICoconaAppContextAccessor app) : IShutdownSignal
{
    public CancellationToken Token => app.Current?.CancellationToken ?? CancellationToken.None;
}

/// <summary>
/// The direct dispatch has no host: it handles SIGINT and SIGTERM itself, cancelling the token instead of
/// letting the runtime kill the process, so a command cleans up and exits as it does under Cocona.
/// </summary>
internal sealed class ProcessShutdownSignal : IShutdownSignal, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ProcessShutdownSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel)];
    }

    public CancellationToken Token => _cancellation.Token;

    private void Cancel(PosixSignalContext context)
    {
        context.Cancel = true;
        _cancellation.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }
}
