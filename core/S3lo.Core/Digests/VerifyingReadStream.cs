using System.Security.Cryptography;
using S3lo.Core.Errors;
using S3lo.Core.Streams;

namespace S3lo.Core.Digests;

/// <summary>
/// Passes bytes through while hashing them, and checks size and digest BEFORE handing out the
/// final bytes: a consumer that uploads what it reads can never complete an upload of wrong
/// content, because the read that would finish it throws instead.
/// </summary>
public sealed class VerifyingReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly Digest _expected;
    private readonly long _expectedSize;
    private readonly string _what;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private bool _verified;

    public VerifyingReadStream(Stream inner, Digest expected, long expectedSize, string what, bool leaveOpen = false)
    {
        _inner = inner;
        _expected = expected;
        _expectedSize = expectedSize;
        _what = what;
        _leaveOpen = leaveOpen;
    }

    public override long Length => _expectedSize >= 0 ? _expectedSize : throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        var n = _inner.Read(LimitToExpected(buffer));
        return Account(buffer[..n], n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        var n = await _inner.ReadAsync(LimitToExpected(buffer), cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n], n);
    }

    // Never read past the expected size, so an oversized source is caught by a probe read below.
    private Span<byte> LimitToExpected(Span<byte> buffer) =>
        _expectedSize >= 0 && buffer.Length > _expectedSize - _position + 1
            ? buffer[..(int)Math.Max(1, _expectedSize - _position + 1)]
            : buffer;

    private Memory<byte> LimitToExpected(Memory<byte> buffer) =>
        _expectedSize >= 0 && buffer.Length > _expectedSize - _position + 1
            ? buffer[..(int)Math.Max(1, _expectedSize - _position + 1)]
            : buffer;

    private int Account(ReadOnlySpan<byte> data, int n)
    {
        if (n == 0)
        {
            if (!_verified) Verify();
            return 0;
        }
        _position += n;
        if (_expectedSize >= 0 && _position > _expectedSize)
            throw new S3loException($"size mismatch for {_what}: expected {_expectedSize} bytes, got more");
        _hash.AppendData(data);
        if (_position == _expectedSize) Verify();
        return n;
    }

    private void Verify()
    {
        _verified = true;
        if (_expectedSize >= 0 && _position != _expectedSize)
            throw new S3loException($"size mismatch for {_what}: expected {_expectedSize} bytes, got {_position}");
        var actual = Digest.FromHex(_hash.GetHashAndReset());
        if (actual != _expected) throw new DigestMismatchException(_what, _expected.ToString(), actual.ToString());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        if (!_leaveOpen) await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
