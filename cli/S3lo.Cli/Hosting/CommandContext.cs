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

    private CommandContext(GlobalOptions options, OutputFormat format, TimeSpan? timeout, CancellationToken appToken, ILoggerFactory loggers)
    {
        Options = options;
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
        return new CommandContext(options, format, timeout, appToken, loggers);
    }

    /// <summary>Progress bars only on a terminal, never in CI or with --no-progress; messages always reach stderr.</summary>
    public bool ShowsProgress => !Options.NoProgress && !Console.IsErrorRedirected
        && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public ITransferObserver CreateObserver(string action) => new ConsoleTransferObserver(action, ShowsProgress, Logger);

    public void Dispose() => _cancellation.Dispose();
}
