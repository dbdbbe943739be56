using S3lo.Core.Compression;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// The plain tar of a compressed layer, read through its decoder. The decoder stops at the end of its
/// data; at that point the compressed stream is read on to its end, which is where a verifying stream
/// under it checks the blob's digest — so the tar's end is reached only for a verified blob.
/// </summary>
internal sealed class DecodedReadStream(Stream compressed, LayerCompression compression) : Stream
{
    private readonly Stream _decoder = LayerCompressor.OpenDecompressor(compressed, compression);
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0 && buffer.Length > 0) await compressed.CopyToAsync(Null, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            compressed.Dispose();
        }
        base.Dispose(disposing);
    }
}
