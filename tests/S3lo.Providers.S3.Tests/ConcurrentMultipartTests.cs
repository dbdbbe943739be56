using S3lo.Core.Storage;
using S3lo.Providers.S3.Tests.Support;

namespace S3lo.Providers.S3.Tests;

/// <summary>Two uploads of one key at once (two pushes sharing a new large layer) on the real Ceph RGW.</summary>
public sealed class ConcurrentMultipartTests : BucketTest
{
    [Test]
    public async Task AnUploadThatCompletesFirstDoesNotAbortAnOlderUploadOfTheSameKeyStillRunning()
    {
        UseSmallParts();
        var bytes = Bytes.Random(12 << 20, 7);
        // The older upload: starts, sends its first part, then waits until the younger one has completed.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var older = new GatedStream(bytes, pauseAt: 6 << 20, gate.Task);
        var olderPut = Store.PutAsync("blobs/sha256/shared", older, bytes.Length, PutOptions.Blob, None);
        await older.Paused.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(1500); // its multipart upload is initiated and listed before the younger one's

        await Store.PutAsync("blobs/sha256/shared", new SourceStream(bytes), bytes.Length, PutOptions.Blob, None);
        gate.SetResult();

        Assert.That(async () => await olderPut, Throws.Nothing);
        Assert.That(Sha.Hex(await GetAsync("blobs/sha256/shared")), Is.EqualTo(Sha.Hex(bytes)));
    }

    /// <summary>Hands out its bytes, pausing once at <c>pauseAt</c> until <c>resume</c> completes.</summary>
    private sealed class GatedStream(byte[] data, int pauseAt, Task resume) : ReadOnlyTestStream
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Paused => _paused.Task;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var bytes = new byte[buffer.Length];
            var n = ReadAsync(bytes).AsTask().GetAwaiter().GetResult();
            bytes.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == pauseAt)
            {
                _paused.TrySetResult();
                await resume.WaitAsync(cancellationToken);
            }
            var limit = _position < pauseAt ? pauseAt : data.Length;
            var n = Math.Min(buffer.Length, limit - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
