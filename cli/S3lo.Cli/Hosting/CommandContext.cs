using Microsoft.Extensions.Logging;
using S3lo.Cli.Output;
using S3lo.Core.Errors;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Hosting;

/// <summary>What a command needs from the global flags, validated once: output, cancellation, store options, progress.</summary>
public sealed class CommandContext : IDisposable
{
    private readonly CancellationTokenSource _cancellation;

    private CommandContext(GlobalOptions options, OutputFormat format, TimeSpan? timeout, ProgressMode progress, CancellationToken appToken,
        ILoggerFactory loggers)
    {
        Options = options;
        Progress = progress;
        Format = format;
        Timeout = timeout;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(appToken);
        if (timeout is { } t) _cancellation.CancelAfter(t);
        Logger = loggers.CreateLogger("s3lo");
    }

    public GlobalOptions Options { get; }
    public OutputFormat Format { get; }
    public TimeSpan? Timeout { get; }
    public CancellationToken Token => _cancellation.Token;
    public ILogger Logger { get; }

    public StoreOptions StoreOptions => new() { Endpoint = Options.Endpoint, Region = Options.Region, Timeout = Timeout };

    public static CommandContext Create(GlobalOptions options, CancellationToken appToken, ILoggerFactory loggers)
    {
        var format = OutputFormats.Parse(options.Output);
        TimeSpan? timeout = options.Timeout is null ? null : Durations.Parse(options.Timeout, "--timeout");
        if (options.Concurrency is < 1 or > 256)
            throw new UsageException($"--concurrency must be between 1 and 256, not {options.Concurrency}", "the default is 8; raise it for many small layers on a fast link");
        var progress = ProgressModes.Resolve(options.Progress, options.NoProgress, !Console.IsErrorRedirected, Environment.GetEnvironmentVariable);
        return new CommandContext(options, format, timeout, progress, appToken, loggers);
    }

    /// <summary>--progress resolved: tty on a terminal outside CI, plain in a log, none with --no-progress.</summary>
    public ProgressMode Progress { get; }

    /// <summary>Progress lines drawn in place (only on a terminal, never in CI or with --no-progress); messages always reach stderr.</summary>
    public bool ShowsProgress => Progress == ProgressMode.Tty;

    /// <summary>
    /// The transfer's observer on stderr; <c>Finish</c> it before printing the result. A transfer that is only a
    /// step of the command (scan's fetch) logs no plain lines.
    /// </summary>
    internal ConsoleTransferObserver CreateObserver(string action, bool logsBlobs = true) =>
        ConsoleTransferObserver.ForConsole(action, Progress == ProgressMode.Plain && !logsBlobs ? ProgressMode.None : Progress, Logger);

    public void Dispose() => _cancellation.Dispose();
}
