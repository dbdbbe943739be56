using S3lo.Core.Storage;
using S3lo.Core.Streams;

namespace S3lo.Core.Serving;

/// <summary>The chunks of an upload session read one after another as one stream, each opened only when reached.</summary>
internal sealed class ChunkSequenceStream(IObjectStore store, IReadOnlyList<ObjectInfo> chunks) : ReadOnlyStream
{
    private int _next;
    private Stream? _current;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_current is null)
            {
                if (_next == chunks.Count) return 0;
                var chunk = chunks[_next++];
                _current = await store.OpenReadAsync(chunk.Key, cancellationToken).ConfigureAwait(false);
            }
            var n = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n > 0) return n;
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync().ConfigureAwait(false);
        _current = null;
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
