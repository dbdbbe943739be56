using S3lo.Core.Compression;
using S3lo.Core.Oci;
using S3lo.Core.Streams;

namespace S3lo.Core.Transfer;

/// <summary>
/// The plain tar of a compressed layer, read through its decoder. The decoder stops at the end of its
/// data; at that point the compressed stream is read on to its end, which is where a verifying stream
/// under it checks the blob's digest — so the tar's end is reached only for a verified blob.
/// </summary>
public sealed class DecodedReadStream(Stream compressed, LayerCompression compression) : ReadOnlyStream
{
    private readonly Stream _decoder = LayerCompressor.OpenDecompressor(compressed, compression);
    private long _position;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0 && buffer.Length > 0) await compressed.CopyToAsync(Null, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

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
