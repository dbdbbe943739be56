using System.Buffers;
using S3lo.Core.Storage;

namespace S3lo.Core.Streams;

/// <summary>
/// Reads a large object as consecutive ranges fetched in parallel (a few in flight, in pooled
/// buffers) and hands the bytes out in order: one slow connection no longer bounds a download,
/// and memory stays at <c>parallel × rangeSize</c> whatever the object's size.
/// </summary>
public sealed class ParallelRangeReadStream : ReadOnlyStream
{
    private readonly IObjectStore _store;
    private readonly string _key;
    private readonly long _length;
    private readonly int _rangeSize;
    private readonly int _parallel;
    private readonly CancellationTokenSource _cancel;
    private readonly Queue<Task<Range>> _pending = new();
    private long _nextOffset;
    private long _position;
    private Range? _current;
    private int _currentRead;
    private bool _disposed;

    public ParallelRangeReadStream(IObjectStore store, string key, long length, int rangeSize, int parallel, CancellationToken ct)
    {
        _store = store;
        _key = key;
        _length = length;
        _rangeSize = rangeSize;
        _parallel = Math.Max(1, parallel);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        FillWindow();
    }

    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        if (_current is null || _currentRead == _current.Count)
        {
            if (_current is not null) ArrayPool<byte>.Shared.Return(_current.Buffer);
            _current = null;
            if (_pending.Count == 0) return 0;
            _current = await _pending.Dequeue().WaitAsync(cancellationToken).ConfigureAwait(false);
            _currentRead = 0;
            FillWindow();
        }
        var n = Math.Min(buffer.Length, _current.Count - _currentRead);
        _current.Buffer.AsMemory(_currentRead, n).CopyTo(buffer);
        _currentRead += n;
        _position += n;
        return n;
    }

    private void FillWindow()
    {
        while (_pending.Count < _parallel && _nextOffset < _length)
        {
            var offset = _nextOffset;
            var size = (int)Math.Min(_rangeSize, _length - offset);
            _nextOffset += size;
            _pending.Enqueue(FetchAsync(offset, size, _cancel.Token));
        }
    }

    private async Task<Range> FetchAsync(long offset, int size, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var first = await _store.OpenReadRangeAsync(_key, offset, size, ct).ConfigureAwait(false);
            await using var range = new ResumingReadStream(first, size,
                (done, token) => _store.OpenReadRangeAsync(_key, offset + done, size - done, token), $"{_store.DisplayName}/{_key}");
            await range.ReadExactlyAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
            return new Range(buffer, size);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _cancel.Cancel();
            // Ranges still in flight return their buffers when they end; only finished ones are ours to give back.
            while (_pending.Count > 0)
            {
                var task = _pending.Dequeue();
                _ = task.ContinueWith(t => ArrayPool<byte>.Shared.Return(t.Result.Buffer), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
            if (_current is not null) ArrayPool<byte>.Shared.Return(_current.Buffer);
            _current = null;
            _cancel.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed record Range(byte[] Buffer, int Count);
}
