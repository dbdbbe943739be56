using Microsoft.Extensions.Logging;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Cli.Output;

/// <summary>
/// Renders a transfer on stderr: one self-rewriting progress line on a terminal; on a pipe or in CI
/// nothing but messages. Per-blob events go to the debug log (--verbose).
/// </summary>
internal sealed class ConsoleTransferObserver(string action, bool interactive, ILogger logger) : ITransferObserver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly ProgressLine _line = new(interactive);
    private int _started, _completed, _skipped;

    public void BlobSkipped(Descriptor blob)
    {
        logger.LogDebug("skip {Digest} ({Size} bytes): already there", blob.Digest, blob.Size);
        lock (_lock) _skipped++;
    }

    public void BlobStarted(Descriptor blob)
    {
        logger.LogDebug("copy {Digest} ({Size} bytes)", blob.Digest, blob.Size);
        lock (_lock)
        {
            _started++;
            _bytes[blob.Digest] = 0;
        }
        Draw(force: true);
    }

    public void BlobProgress(Descriptor blob, long bytesSoFar)
    {
        lock (_lock) _bytes[blob.Digest] = bytesSoFar;
        Draw(force: false);
    }

    public void BlobCompleted(Descriptor blob)
    {
        logger.LogDebug("done {Digest}", blob.Digest);
        lock (_lock) _completed++;
        Draw(force: true);
    }

    public void BlobCopiedServerSide(Descriptor blob) =>
        logger.LogDebug("copied {Digest} ({Size} bytes) server-side", blob.Digest, blob.Size);

    public void Message(string text) => _line.Message(text);

    /// <summary>Removes the progress line so the result prints on a clean line.</summary>
    public void Finish() => _line.Clear();

    private void Draw(bool force)
    {
        if (!interactive) return;
        string text;
        lock (_lock)
        {
            text = $"{action}: {_completed}/{_started} blobs, {Sizes.Human(_bytes.Values.Sum())}" + (_skipped > 0 ? $", {_skipped} already there" : "");
        }
        _line.Show(text, force);
    }
}
