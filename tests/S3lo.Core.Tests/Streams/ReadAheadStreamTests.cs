using System.Security.Cryptography;
using S3lo.Core.Streams;

namespace S3lo.Core.Tests.Streams;

public sealed class ReadAheadStreamTests
{
    [Test]
    public async Task TheConsumerReadsEveryByteInOrder()
    {
        var bytes = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 17);
        await using var stream = new ReadAheadStream(new TrickleStream(bytes, 7_000), 2);

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.That(SHA256.HashData(copy.ToArray()), Is.EqualTo(SHA256.HashData(bytes)));
    }

    [Test]
    public async Task ThePumpStopsAtTheBoundWhenNobodyReads()
    {
        var source = new TrickleStream(new byte[64 * 1024 * 1024], 256 * 1024);
        await using var stream = new ReadAheadStream(source, 3);

        await Task.Delay(300);

        Assert.That(source.Served, Is.EqualTo(3 * ReadAheadStream.ChunkBytes), "three buffers filled, then the pump waits");
    }

    [Test]
    public async Task AFailureOfTheSourceReachesTheReaderUnchanged()
    {
        var source = new TrickleStream(new byte[1024 * 1024], 64 * 1024) { FailAfter = 512 * 1024 };
        await using var stream = new ReadAheadStream(source, 2);

        var e = Assert.ThrowsAsync<IOException>(async () => await stream.CopyToAsync(Stream.Null))!;

        Assert.That(e.Message, Is.EqualTo("the daemon went away"));
    }

    [Test]
    public async Task DisposingEarlyStopsThePumpAndDisposesTheSource()
    {
        var source = new TrickleStream(new byte[64 * 1024 * 1024], 256 * 1024);
        var stream = new ReadAheadStream(source, 2);
        var buffer = new byte[1000];
        await stream.ReadExactlyAsync(buffer);

        await stream.DisposeAsync();

        Assert.That(source.Disposed, Is.True);
        Assert.That(source.Served, Is.LessThan(64 * 1024 * 1024));
    }

    /// <summary>Serves its bytes a few at a time, as a socket does, and can fail part-way.</summary>
    private sealed class TrickleStream(byte[] bytes, int perRead) : ReadOnlyStream
    {
        private int _position;

        public long FailAfter { get; init; } = long.MaxValue;
        public long Served => Volatile.Read(ref _position);
        public bool Disposed { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (_position >= FailAfter) throw new IOException("the daemon went away");
            var n = Math.Min(Math.Min(perRead, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer.Span);
            Volatile.Write(ref _position, _position + n);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
