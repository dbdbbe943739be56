using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>One layer tar being encoded as it streams in: write it to <see cref="Input"/>, then complete it.</summary>
public sealed class LayerEncoding : IAsyncDisposable
{
    private readonly LayerEncoder _owner;
    private readonly CompressedBlobWriter _writer;
    private readonly string _path;
    private readonly long _tarSize;
    private readonly Descriptor _exported;
    private bool _completed;

    internal LayerEncoding(LayerEncoder owner, CompressedBlobWriter writer, string path, long tarSize, Descriptor exported)
    {
        _owner = owner;
        _writer = writer;
        _path = path;
        _tarSize = tarSize;
        _exported = exported;
        Input = new ProgressWriteStream(writer.Input, n => owner.Observer.BlobProgress(exported, n));
    }

    /// <summary>Where the tar is written; what arrives is reported as exported.</summary>
    public Stream Input { get; }

    /// <summary>
    /// Finishes the layer whose tar hashed to <paramref name="diffId"/> (the caller hashed what it wrote) and
    /// offers it for upload, unless the destination holds it already.
    /// </summary>
    public async Task<Descriptor> CompleteAsync(Digest diffId, CancellationToken ct)
    {
        var blob = await _writer.CompleteAsync(ct).ConfigureAwait(false);
        _completed = true;
        _owner.Observer.BlobCompleted(_exported);
        if (await _owner.FindReusableAsync(diffId, ct).ConfigureAwait(false) is { } stored)
        {
            File.Delete(_path);
            return stored.Blob;
        }
        _owner.Add(diffId, _tarSize, blob, _path, offer: true);
        return blob;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (!_completed) File.Delete(_path);
    }
}
