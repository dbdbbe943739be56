using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace S3lo.Core.Tests.Support;

/// <summary>Collects every log line (debug included) so tests can check what is — and is not — logged.</summary>
internal sealed class RegistryTestLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string All => string.Join("\n", Lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
}
