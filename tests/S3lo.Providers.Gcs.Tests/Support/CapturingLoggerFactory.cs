using Microsoft.Extensions.Logging;

namespace S3lo.Providers.Gcs.Tests.Support;

/// <summary>Collects what the code under test logs: warnings (and worse) apart, everything in <see cref="Messages"/>.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
{
    private readonly List<string> _warnings = [];
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_warnings) return [.. _messages];
        }
    }

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings) return [.. _warnings];
        }
    }

    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_warnings)
        {
            _messages.Add(message);
            if (logLevel >= LogLevel.Warning) _warnings.Add(message);
        }
    }
}
