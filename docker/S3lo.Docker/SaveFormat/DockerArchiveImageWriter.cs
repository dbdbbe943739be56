using System.Collections.Concurrent;
using S3lo.Core.Archives;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// One transfer's image written as a classic docker-archive into a forward-only stream: what the Docker
/// daemon destination (over the image load call) and <c>docker-archive:FILE</c> (over a temp file) share,
/// as go-containerregistry's <c>daemon.Write</c> is <c>tarball.Write</c> over <c>ImageLoad</c>.
/// Blobs go into the tar as they arrive, one at a time; a blob arriving while another is written is spooled
/// (<see cref="SequentialWriteGate"/>, the gate the OCI archive uses too) — the daemon unpacks the whole tar
/// before it reads manifest.json, so entry order does not matter to it. manifest.json comes last, naming
/// the layers in the image's order. Blobs outside the image (attestations) are read, so verified, not stored.
/// Once an entry is cut midway the tar can take nothing more, and every later call says so.
/// </summary>
internal sealed class DockerArchiveImageWriter : IDisposable
{
    private readonly LoadableImage _image;
    private readonly DockerArchiveWriter _archive;
    private readonly SequentialWriteGate _gate;
    private readonly string _target;
    private readonly ConcurrentDictionary<string, byte> _written = new(StringComparer.Ordinal);
    private Exception? _broken;
    private bool _completed;

    /// <param name="target">What the archive is for, in messages ("the Docker daemon", the destination's name).</param>
    public DockerArchiveImageWriter(LoadableImage image, Stream output, string spoolDirectory, string spoolPrefix, string target)
    {
        _image = image;
        _archive = new DockerArchiveWriter(output);
        _gate = new SequentialWriteGate(spoolDirectory, spoolPrefix);
        _target = target;
    }

    /// <summary>The config as written (null before it arrived).</summary>
    public byte[]? Config { get; private set; }

    public bool Holds(Descriptor descriptor) => _written.ContainsKey(descriptor.Digest);

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        EnsureWritable();
        if (!_image.Blobs.Contains(descriptor.Digest) || _written.ContainsKey(descriptor.Digest))
        {
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }
        if (descriptor.Digest == _image.Config.Digest)
        {
            var config = await ReadConfigAsync(content, ct).ConfigureAwait(false);
            await _gate.RunExclusiveAsync(token => WriteEntryAsync(descriptor, null, async () =>
            {
                await _archive.WriteConfigAsync(config, token).ConfigureAwait(false);
                Config = config;
            }, token), ct).ConfigureAwait(false);
            return;
        }
        LoadableImage.ThrowIfEncoded(descriptor, _target);
        var digest = Digest.Parse(descriptor.Digest);
        await _gate.WriteAsync(content, (stream, token) =>
            WriteEntryAsync(descriptor, stream, () => _archive.WriteLayerAsync(digest, stream, descriptor.Size, token), token), ct).ConfigureAwait(false);
    }

    /// <summary>Before the commit: every blob of the image is in the tar.</summary>
    public void ThrowIfIncomplete()
    {
        EnsureWritable();
        var missing = _image.Blobs.FirstOrDefault(d => !_written.ContainsKey(d));
        if (missing is not null) throw new S3loException($"blob {missing} never reached {_target}; the image was not written");
    }

    /// <summary>
    /// Writes manifest.json and ends the archive. <paramref name="carryOver"/> appends the files of images
    /// kept from elsewhere (an archive already at FILE) and returns their manifest entries.
    /// </summary>
    public Task CompleteAsync(string? repoTag,
        Func<DockerArchiveWriter, CancellationToken, Task<IReadOnlyList<DockerArchiveManifestEntry>>>? carryOver, CancellationToken ct)
    {
        ThrowIfIncomplete();
        return _gate.RunExclusiveAsync(async token =>
        {
            try
            {
                var others = carryOver is null ? [] : await carryOver(_archive, token).ConfigureAwait(false);
                await _archive.WriteManifestAsync(repoTag, _image.LayerOrder, others, token).ConfigureAwait(false);
                await _archive.CompleteAsync(token).ConfigureAwait(false);
                _completed = true;
            }
            catch (Exception e)
            {
                _broken ??= e;
                throw;
            }
        }, ct);
    }

    private async Task<byte[]> ReadConfigAsync(Stream content, CancellationToken ct)
    {
        // The plan's size, checked against the limit: no more is held in memory.
        var bytes = new byte[_image.Config.Size];
        await content.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false); // the end of the stream is where it verifies
        return bytes;
    }

    private async Task WriteEntryAsync(Descriptor descriptor, Stream? content, Func<Task> write, CancellationToken ct)
    {
        EnsureWritable();
        if (_written.ContainsKey(descriptor.Digest))
        {
            // The same blob twice at once: the second copy is verified, not stored.
            if (content is not null) await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Cut mid-entry: the tar can take nothing more.
            _broken ??= e;
            throw;
        }
        _written[descriptor.Digest] = 0;
    }

    private void EnsureWritable()
    {
        if (_completed) throw new InvalidOperationException("the archive was completed already");
        if (_broken is { } e) throw new S3loException($"writing {_target} failed earlier: {e.Message}", inner: e);
    }

    /// <summary>Deletes spool files still there (a transfer that stopped midway).</summary>
    public void Dispose() => _gate.Dispose();
}
