using System.Text;

namespace S3lo.Cli.Output;

/// <summary>
/// Draws a <see cref="TransferBoard"/> on a terminal like docker does: a line per blob and a total line, redrawn in
/// place (cursor up, clear line) at most ten times a second, cut to the terminal's width and height.
/// </summary>
public sealed class TtyProgressView(TransferBoard board, TextWriter writer, Func<(int Width, int Height)> size)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _lock = new();
    private int _drawnLines;
    private TimeSpan? _lastDraw;
    private bool _closed;

    public void Draw(bool force = false)
    {
        lock (_lock)
        {
            if (_closed) return;
            var now = board.Clock();
            if (!force && _lastDraw is { } last && now - last < Interval) return;
            _lastDraw = now;
            var frame = new StringBuilder();
            Erase(frame);
            foreach (var line in Lines(now)) frame.Append(line).Append('\n');
            writer.Write(frame.ToString());
            writer.Flush();
        }
    }

    /// <summary>Prints a message above the board (which is drawn again below it).</summary>
    public void Message(string text)
    {
        lock (_lock)
        {
            var frame = new StringBuilder();
            Erase(frame);
            writer.Write(frame.Append(TerminalText.Escape(text)).Append('\n').ToString());
            _lastDraw = null;
        }
        Draw(force: true);
    }

    /// <summary>Draws the last frame and leaves it on the screen; nothing is drawn after.</summary>
    public void Close()
    {
        Draw(force: true);
        lock (_lock) _closed = true;
    }

    private void Erase(StringBuilder frame)
    {
        if (_drawnLines > 0) frame.Append("\e[").Append(_drawnLines).Append('A');
        frame.Append("\r\e[J");
        _drawnLines = 0;
    }

    private List<string> Lines(TimeSpan now)
    {
        var (width, height) = size();
        var all = board.Rows();
        var rows = all.ToList();
        var budget = Math.Max(3, height - 1) - 1;
        if (rows.Count > budget)
        {
            // Too many for the screen: finished rows go first, then the oldest live ones; a line says how many.
            budget--;
            while (rows.Count > budget && rows.FindIndex(r => r.Finished is not null) is var done and >= 0) rows.RemoveAt(done);
            if (rows.Count > budget) rows = rows[^budget..];
        }
        var lines = new List<string>();
        if (all.Count > rows.Count) lines.Add($"... {all.Count - rows.Count} more");
        lines.AddRange(rows.Select(r => TransferRowText.Live(r, now)));
        lines.Add(TerminalText.Escape(board.TotalLine()));
        var cut = Math.Max(10, width - 1);
        _drawnLines = lines.Count;
        return lines.Select(l => l.Length > cut ? l[..cut] : l).ToList();
    }
}
