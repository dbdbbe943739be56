using System.Runtime.ExceptionServices;
using S3lo.Core.Streams;

namespace S3lo.Providers.S3;

/// <summary>
/// Exactly <c>length</c> bytes of the caller's stream, and the source's end is read (where a
/// verifying stream checks its digest) BEFORE the last bytes are handed out, so a source that
/// fails at its end can never complete an upload. A source failure is remembered and rethrown on
/// every later read, so the caller sees the source's own error.
/// </summary>
internal sealed class SinglePassUploadStream(Stream source, long length) : ReadOnlyStream
{
    private readonly byte[] _probe = new byte[1];
    private bool _ended;

    public long BytesRead { get; private set; }
    public Exception? SourceError { get; private set; }

    public override long Length => length;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        ThrowIfFailed();
        try
        {
            var want = (int)Math.Min(buffer.Length, length - BytesRead);
            if (want == 0 || _ended)
            {
                if (!_ended) CheckEnd(source.Read(_probe));
                return 0;
            }
            var n = source.Read(buffer[..want]);
            Account(n);
            if (BytesRead == length) CheckEnd(source.Read(_probe));
            return n;
        }
        catch (Exception e)
        {
            SourceError ??= e;
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        try
        {
            var want = (int)Math.Min(buffer.Length, length - BytesRead);
            if (want == 0 || _ended)
            {
                if (!_ended) CheckEnd(await source.ReadAsync(_probe, cancellationToken).ConfigureAwait(false));
                return 0;
            }
            var n = await source.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
            Account(n);
            if (BytesRead == length) CheckEnd(await source.ReadAsync(_probe, cancellationToken).ConfigureAwait(false));
            return n;
        }
        catch (Exception e)
        {
            SourceError ??= e;
            throw;
        }
    }

    private void Account(int n)
    {
        if (n == 0) throw new IOException($"the source ended after {BytesRead} of {length} bytes");
        BytesRead += n;
    }

    private void CheckEnd(int n)
    {
        if (n != 0) throw new IOException($"the source has more than the {length} bytes declared");
        _ended = true;
    }

    private void ThrowIfFailed()
    {
        if (SourceError is { } e) ExceptionDispatchInfo.Throw(e);
    }

}
