using S3lo.Core.Errors;

namespace S3lo.Core.Streams;

/// <summary>
/// A download that survives a cut connection: when a read fails with a network error (reset,
/// stall, early end), the source is opened again at the first byte not yet handed out — a Range
/// request — and reading goes on, at most <see cref="MaxResumes"/> times. The bytes handed out are
/// exactly the object's, in order, so a verifying stream on top still checks the whole digest.
/// </summary>
public sealed class ResumingReadStream : ReadOnlyStream
{
    public const int MaxResumes = 5;
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);

    private readonly Func<long, CancellationToken, Task<Stream>> _openAt;
    private readonly long _length;
    private readonly string _what;
    private readonly Action<string>? _log;
    private Stream _current;
    private long _position;
    private int _resumes;

    /// <param name="first">The stream already opened at offset 0.</param>
    /// <param name="length">The object's length, or -1 when unknown.</param>
    /// <param name="openAt">Opens the object from an offset to its end.</param>
    /// <param name="what">Names the object in messages.</param>
    /// <param name="log">Told about every resume (the --verbose log).</param>
    public ResumingReadStream(Stream first, long length, Func<long, CancellationToken, Task<Stream>> openAt, string what, Action<string>? log = null)
    {
        _current = first;
        _length = length;
        _openAt = openAt;
        _what = what;
        _log = log;
    }

    public int Resumes => _resumes;
    public override long Length => _length >= 0 ? _length : throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            try
            {
                // A clean end is the object's end: HTTP reports a body cut short as an IOException,
                // so an end before the announced length is a shorter object, for the caller to judge.
                var n = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                _position += n;
                return n;
            }
            catch (Exception e) when (IsCut(e) && !cancellationToken.IsCancellationRequested)
            {
                await ResumeAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reopens at the current position; a reopen that fails the same way counts as another resume.</summary>
    private async Task ResumeAsync(Exception cut, CancellationToken ct)
    {
        while (true)
        {
            if (_resumes >= MaxResumes)
                throw new S3loException($"download of {_what} failed after {_resumes} resumes at byte {_position}: {cut.Message}",
                    "check the network (a proxy or load balancer cutting long transfers?) and run the command again", inner: cut);
            _resumes++;
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = Stream.Null;
            var delay = BaseDelay * Math.Pow(2, _resumes - 1);
            _log?.Invoke($"download of {_what} cut at byte {_position} ({cut.Message}); resuming ({_resumes} of {MaxResumes}) in {delay.TotalSeconds:0.0} s");
            await Task.Delay(delay, ct).ConfigureAwait(false);
            try
            {
                _current = await _openAt(_position, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (IsCut(e) && !ct.IsCancellationRequested)
            {
                cut = e;
            }
        }
    }

    /// <summary>Network failures, including the stall an idle timeout reports; not errors of the content or the server's answer.</summary>
    private static bool IsCut(Exception e) => e is IOException or HttpRequestException || e.InnerException is HttpRequestException;

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _current.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
