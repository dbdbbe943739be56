using System.Diagnostics;

namespace S3lo.Cli.Output;

/// <summary>
/// One self-rewriting status line on stderr, for long listings (clean on a big bucket). Drawn at most ten
/// times a second, only on a terminal; <see cref="Dispose"/> clears it so results print on a clean line.
/// </summary>
internal sealed class ProgressLine(bool interactive) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private bool _drawn, _closed;

    /// <summary>A synchronous reporter (unlike Progress&lt;T&gt;, nothing draws after <see cref="Dispose"/>).</summary>
    public IProgress<T> For<T>(Func<T, string> text) => new Reporter<T>(this, text);

    public void Show(string text, bool force = false)
    {
        if (!interactive) return;
        lock (_lock)
        {
            if (_closed) return;
            if (!force && _drawn && _sinceDraw.ElapsedMilliseconds < 100) return;
            _sinceDraw.Restart();
            var width = Math.Min(Console.BufferWidth > 0 ? Console.BufferWidth - 1 : 79, 100);
            var line = TerminalText.Escape(text);
            Console.Error.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
            _drawn = true;
        }
    }

    /// <summary>Prints a message on its own line (the status line, if drawn, is cleared first and redrawn by the next update).</summary>
    public void Message(string text)
    {
        lock (_lock)
        {
            ClearDrawn();
            Console.Error.WriteLine(TerminalText.Escape(text));
        }
    }

    /// <summary>Removes the line so a result prints on a clean line; later updates draw it again.</summary>
    public void Clear()
    {
        lock (_lock) ClearDrawn();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _closed = true;
            ClearDrawn();
        }
    }

    private void ClearDrawn()
    {
        if (!_drawn) return;
        Console.Error.Write("\r" + new string(' ', 79) + "\r");
        _drawn = false;
    }

    private sealed class Reporter<T>(ProgressLine line, Func<T, string> text) : IProgress<T>
    {
        public void Report(T value) => line.Show(text(value));
    }
}
