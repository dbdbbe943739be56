using S3lo.Core.TempFiles;

namespace S3lo.Core.Archives;

/// <summary>
/// Serializes writers of one sequential output (a tar being written) fed by concurrent streams. A stream
/// that finds the output free is written straight into it; one that arrives while another is being
/// written is spooled to a temp file first (so its source is read at full speed and memory stays flat)
/// and appended when its turn comes.
/// </summary>
public sealed class SequentialWriteGate : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly string _spoolDirectory;
    private readonly string _spoolPrefix;
    private readonly HashSet<string> _spools = new(StringComparer.Ordinal);

    /// <param name="spoolDirectory">Where waiting blobs are spooled (next to the output: same disk the archive needs anyway).</param>
    public SequentialWriteGate(string spoolDirectory, string spoolPrefix)
    {
        _spoolDirectory = spoolDirectory;
        _spoolPrefix = spoolPrefix;
    }

    /// <summary>Writes <paramref name="content"/> with <paramref name="write"/> while holding the output, directly or after spooling.</summary>
    public async Task WriteAsync(Stream content, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        if (await _turn.WaitAsync(0, ct).ConfigureAwait(false))
        {
            try
            {
                await write(content, ct).ConfigureAwait(false);
            }
            finally
            {
                _turn.Release();
            }
            return;
        }

        var spool = NewSpoolPath();
        try
        {
            await using (var file = new FileStream(spool, PrivateTemp.NewFile(BufferSize)))
                await content.CopyToAsync(file, BufferSize, ct).ConfigureAwait(false);
            await _turn.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await using var file = new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await write(file, ct).ConfigureAwait(false);
            }
            finally
            {
                _turn.Release();
            }
        }
        finally
        {
            Delete(spool);
        }
    }

    /// <summary>Runs <paramref name="action"/> while holding the output (small writes, the final entries).</summary>
    public async Task RunExclusiveAsync(Func<CancellationToken, Task> action, CancellationToken ct)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await action(ct).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    private string NewSpoolPath()
    {
        var path = Path.Combine(_spoolDirectory, $"{_spoolPrefix}{Guid.NewGuid():N}.spool");
        lock (_spools) _spools.Add(path);
        return path;
    }

    private void Delete(string path)
    {
        try
        {
            File.Delete(path);
            lock (_spools) _spools.Remove(path);
        }
        catch (IOException)
        {
            // Dispose tries again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes spool files still there (a cancelled transfer).</summary>
    public void Dispose()
    {
        List<string> left;
        lock (_spools) left = [.. _spools];
        foreach (var path in left) Delete(path);
        _turn.Dispose();
    }
}
