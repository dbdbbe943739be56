using Microsoft.Extensions.Logging;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Output;

/// <summary>
/// Renders a transfer on stderr in the chosen <see cref="ProgressMode"/>: a line per layer redrawn in place on a
/// terminal, a line per finished blob in a log, or nothing but messages. Per-blob events also go to the debug log (--verbose).
/// </summary>
internal sealed class ConsoleTransferObserver : ITransferObserver, IDisposable
{
    private readonly ILogger _logger;
    private readonly TransferBoard _board;
    private readonly TtyProgressView? _tty;
    private readonly PlainProgressView? _plain;
    private readonly PlainProgressView _messages;
    private readonly Timer? _ticker;

    public ConsoleTransferObserver(string action, ProgressMode mode, ILogger logger, TextWriter writer, Func<TimeSpan> clock,
        Func<(int Width, int Height)> size)
    {
        _logger = logger;
        _board = new TransferBoard(action, clock);
        _messages = new PlainProgressView(writer);
        if (mode == ProgressMode.Tty)
        {
            _tty = new TtyProgressView(_board, writer, size);
            // Rates, ETAs and the daemon's silent stretches keep moving between events.
            _ticker = new Timer(_ => _tty.Draw(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }
        else if (mode == ProgressMode.Plain)
            _plain = _messages;
    }

    /// <summary>The time since the transfer began.</summary>
    public TimeSpan Elapsed => _board.Clock();

    public static ConsoleTransferObserver ForConsole(string action, ProgressMode mode, ILogger logger)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return new ConsoleTransferObserver(action, mode, logger, Console.Error, () => clock.Elapsed, TerminalSize);
    }

    public void BlobSkipped(Descriptor blob)
    {
        _logger.LogDebug("skip {Digest} ({Size} bytes): already there", blob.Digest, blob.Size);
        var row = _board.Skip(blob.Digest, blob.Size);
        _plain?.Finished(row);
        _tty?.Draw(force: true);
    }

    public void BlobStarted(Descriptor blob) => _logger.LogDebug("copy {Digest} ({Size} bytes)", blob.Digest, blob.Size);

    public void BlobPhase(Descriptor blob, TransferPhase phase)
    {
        _board.Phase(blob.Digest, blob.Size, phase);
        _tty?.Draw(force: true);
    }

    public void BlobProgress(Descriptor blob, long bytesSoFar)
    {
        _board.Progress(blob.Digest, bytesSoFar);
        _tty?.Draw();
    }

    public void BlobCompleted(Descriptor blob)
    {
        _logger.LogDebug("done {Digest}", blob.Digest);
        Finished(_board.Complete(blob.Digest));
    }

    public void BlobCopiedServerSide(Descriptor blob)
    {
        _logger.LogDebug("copied {Digest} ({Size} bytes) server-side", blob.Digest, blob.Size);
        _board.Complete(blob.Digest, serverSide: true);
    }

    public void ImagePhase(TransferPhase phase, string what)
    {
        _board.Image($"{TransferText.Doing(phase)} into {what}");
        _plain?.Line($"{TransferText.Doing(phase)} into {what}");
        _tty?.Draw(force: true);
    }

    public void ImageDone(string text)
    {
        var took = _board.Clock() - _board.ImageStarted;
        _board.Image(null);
        _logger.LogDebug("{Text}", text);
        _plain?.Line($"{text} in {TransferText.Duration(took)}");
        _tty?.Draw(force: true);
    }

    public void Message(string text)
    {
        if (_tty is not null) _tty.Message(text);
        else _messages.Line(text);
    }

    /// <summary>Draws the final board (left on screen) so the result prints below it; nothing is drawn after.</summary>
    public void Finish()
    {
        _ticker?.Dispose();
        _tty?.Close();
    }

    public void Dispose() => Finish();

    private void Finished(TransferRow? row)
    {
        if (row is null) return;
        _plain?.Finished(row);
        _tty?.Draw(force: true);
    }

    private static (int Width, int Height) TerminalSize()
    {
        try
        {
            return (Console.WindowWidth > 0 ? Console.WindowWidth : 80, Console.WindowHeight > 0 ? Console.WindowHeight : 24);
        }
        catch (IOException)
        {
            return (80, 24);
        }
    }
}
