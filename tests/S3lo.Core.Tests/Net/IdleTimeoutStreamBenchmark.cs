using System.Diagnostics;
using System.Threading.Tasks.Sources;
using S3lo.Core.Net;

namespace S3lo.Core.Tests.Net;

/// <summary>
/// What the idle watch costs per read: 2 GB in 64 KB reads through <see cref="IdleTimeoutStream"/> over a
/// stream that answers from memory at once, so only the wrapper's own work is measured. Explicit: a
/// measurement to run by hand (it prints allocations and time), not a check.
/// </summary>
[Explicit("a measurement, run by hand")]
public sealed class IdleTimeoutStreamBenchmark
{
    private const long Total = 2L << 30;
    private const int ReadSize = 64 * 1024;

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public async Task Read2GbIn64KbReads(bool cancellableCaller, bool asynchronous)
    {
        using var caller = new CancellationTokenSource();
        var token = cancellableCaller ? caller.Token : CancellationToken.None;
        var buffer = new byte[ReadSize];
        await Run(token, buffer, Total / 8, asynchronous); // warm up: JIT and tiering

        var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0Before = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        var read = await Run(token, buffer, Total, asynchronous);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;

        Assert.That(read, Is.EqualTo(Total));
        TestContext.Out.WriteLine($"caller token cancellable={cancellableCaller}, reads complete {(asynchronous ? "later" : "at once")}: {Total / ReadSize} reads, {clock.ElapsedMilliseconds} ms, " +
            $"{allocated:N0} bytes allocated ({(double)allocated / (Total / ReadSize):F1} per read), {GC.CollectionCount(0) - gen0Before} gen0 GCs");
    }

    private static async Task<long> Run(CancellationToken token, byte[] buffer, long total, bool asynchronous)
    {
        await using var stream = new IdleTimeoutStream(asynchronous ? new LaterZeroStream(total) : new ZeroStream(total), TimeSpan.FromSeconds(60));
        long read = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, token)) > 0) read += n;
        return read;
    }

    /// <summary>
    /// Zeros, each read answered on the thread pool as a socket read would be (the wrapper's await really
    /// suspends), through one reused work item and value task source: no allocation of its own.
    /// </summary>
    private sealed class LaterZeroStream(long length) : ZeroStream(length), IValueTaskSource<int>, IThreadPoolWorkItem
    {
        private ManualResetValueTaskSourceCore<int> _core;
        private Memory<byte> _buffer;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _core.Reset();
            _buffer = buffer;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return new ValueTask<int>(this, _core.Version);
        }

        void IThreadPoolWorkItem.Execute() => _core.SetResult(Read(_buffer.Span));
        int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);
        ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);
        void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>Zeros up to a length, each read answered at once (no allocation of its own).</summary>
    private class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
