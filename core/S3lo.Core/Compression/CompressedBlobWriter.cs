using System.Security.Cryptography;
using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;

namespace S3lo.Core.Compression;

/// <summary>
/// Compresses a layer tar written to <see cref="Input"/> into a file, hashing the compressed bytes
/// as they are written — so a layer can be compressed while it is still being read from its source.
/// Deterministic: the same tar always gives the same file (see <see cref="LayerCompressor"/>).
/// <see cref="LayerCompression.None"/> stores the tar as it is, hashed the same way.
/// </summary>
public sealed class CompressedBlobWriter : IAsyncDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly string _path;
    private readonly FileStream _file;
    private readonly HashingWriteStream _hashing;
    private readonly ParallelGzipWriter? _gzip;
    private readonly ZstdSharp.CompressionStream? _zstd;
    private readonly bool _stored;
    private bool _completed;

    /// <param name="inputLength">The exact size of the tar that will be written.</param>
    public CompressedBlobWriter(string path, LayerCompression compression, long inputLength)
    {
        _path = path;
        _file = new FileStream(path, PrivateTemp.NewFile(BufferSize));
        _hashing = new HashingWriteStream(_file);
        if (compression == LayerCompression.None)
        {
            _stored = true;
        }
        else if (compression == LayerCompression.Gzip)
        {
            _gzip = new ParallelGzipWriter(_hashing, inputLength);
        }
        else
        {
            _zstd = new ZstdSharp.CompressionStream(_hashing, LayerCompressor.ZstdLevel, BufferSize, leaveOpen: true);
            // Any worker count >= 1 gives the same bytes (zstd's guarantee), so use every core.
            _zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_nbWorkers, Math.Max(1, Environment.ProcessorCount));
            // The content size in the frame header lets a reader size a tar entry without decompressing first.
            _zstd.SetPledgedSrcSize((ulong)inputLength);
        }
        MediaType = MediaTypes.OciLayerFor(compression);
    }

    public string MediaType { get; }

    /// <summary>Write the uncompressed tar here.</summary>
    public Stream Input => _stored ? _hashing : (Stream?)_gzip ?? _zstd!;

    /// <summary>Finishes and closes the compressed file, so it can be opened for upload at once; returns its digest and size.</summary>
    public async Task<Descriptor> CompleteAsync(CancellationToken ct)
    {
        if (_gzip is not null) await _gzip.FinishAsync(ct).ConfigureAwait(false);
        else if (_zstd is not null) await _zstd.DisposeAsync().ConfigureAwait(false);
        await _file.FlushAsync(ct).ConfigureAwait(false);
        // The file was created unshared (an exclusive lock on Unix): a reader opening it before this closes would be refused.
        await _file.DisposeAsync().ConfigureAwait(false);
        _completed = true;
        return new Descriptor { MediaType = MediaType, Digest = _hashing.GetDigest().ToString(), Size = _hashing.BytesWritten };
    }

    public async ValueTask DisposeAsync()
    {
        if (_gzip is not null) await _gzip.DisposeAsync().ConfigureAwait(false);
        if (_zstd is not null && !_completed)
        {
            try
            {
                await _zstd.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // Abandoned half way: what zstd thinks of the unfinished frame does not matter.
            }
        }
        _hashing.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
        if (!_completed) File.Delete(_path);
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
