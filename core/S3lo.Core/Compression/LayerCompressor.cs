using System.IO.Compression;
using System.Security.Cryptography;
using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Compression;

/// <summary>
/// Compresses layer tars deterministically: the same input always yields the same bytes (fixed
/// level, no timestamps, fixed gzip OS byte, output independent of the core count), so the same
/// layer always gets the same blob digest.
/// </summary>
public static class LayerCompressor
{
    public const int ZstdLevel = 3;
    private const int BufferSize = 1 << 20;

    /// <summary>Compresses <paramref name="sourcePath"/> into <paramref name="destinationPath"/>; returns the output's digest and size.</summary>
    public static async Task<(Digest Digest, long Size)> CompressFileAsync(string sourcePath, string destinationPath, LayerCompression compression, CancellationToken ct)
    {
        if (compression == LayerCompression.None) throw new ArgumentOutOfRangeException(nameof(compression), "nothing to compress");
        await using var input = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var output = new FileStream(destinationPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        using var hashing = new HashingWriteStream(output);
        if (compression == LayerCompression.Gzip)
        {
            await ParallelGzip.CompressAsync(input, input.Length, hashing, ct).ConfigureAwait(false);
        }
        else
        {
            await using var zstd = OpenZstd(hashing, input.Length);
            await input.CopyToAsync(zstd, BufferSize, ct).ConfigureAwait(false);
        }
        return (hashing.GetDigest(), hashing.BytesWritten);
    }

    /// <summary>A stream that decompresses a stored layer back to its tar.</summary>
    public static Stream OpenDecompressor(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.None => compressed,
        LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress),
        LayerCompression.Zstd => new ZstdSharp.DecompressionStream(compressed),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    private static ZstdSharp.CompressionStream OpenZstd(Stream output, long inputLength)
    {
        var zstd = new ZstdSharp.CompressionStream(output, ZstdLevel, BufferSize, leaveOpen: true);
        // Any worker count >= 1 gives the same bytes (zstd's guarantee), so use every core.
        zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_nbWorkers, Math.Max(1, Environment.ProcessorCount));
        // The content size in the frame header lets a reader size the tar entry without decompressing first.
        zstd.SetPledgedSrcSize((ulong)inputLength);
        return zstd;
    }

    /// <summary>Hashes everything written through it.</summary>
    private sealed class HashingWriteStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long BytesWritten { get; private set; }

        public Digest GetDigest() => Digest.FromHex(_hash.GetHashAndReset());

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => BytesWritten;
        public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            BytesWritten += buffer.Length;
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            BytesWritten += buffer.Length;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
