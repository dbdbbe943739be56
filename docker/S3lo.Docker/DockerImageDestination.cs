using System.IO.Pipelines;
using S3lo.Core.Compression;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;
using ZstdSharp;

namespace S3lo.Docker;

/// <summary>
/// The Docker daemon as a transfer destination (pull). The daemon has no blob store, only image load:
/// blobs are written into a classic docker-archive that streams into <c>POST /images/load</c> while the
/// transfer runs. The blob next in archive order (config, then layers in manifest order) goes straight
/// into the tar; blobs that arrive early wait in temp files. zstd layers are decompressed first (Docker
/// 20.10 loads gzip but not zstd). The image is tagged only after the daemon loaded it whole, so a failed
/// pull leaves no tagged image; an image the daemon already has is only tagged.
/// </summary>
public sealed class DockerImageDestination : IImageDestination
{
    // The pipe holds at most this much between the transfer and the HTTP upload: memory stays flat.
    private const long PipePauseBytes = 4 * 1024 * 1024;
    private const long PipeResumeBytes = 2 * 1024 * 1024;
    private const int CopyBufferSize = 1024 * 1024;

    private readonly DockerClient _client;
    private readonly string _repository;
    private readonly string _tag;
    private readonly string _workDirectory;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<string, Slot> _slotsByDigest = new(StringComparer.Ordinal);
    private List<Digest> _layerOrder = [];
    private IReadOnlyList<string> _diffIds = [];
    private Digest _configDigest;
    private Pipe? _pipe;
    private DockerArchiveWriter? _writer;
    private Task<DockerLoadResult>? _load;
    private Task? _loadEnded;
    private int _next;
    private bool _writing;
    private bool _prepared;
    private bool _alreadyPresent;
    private bool _committed;
    private Exception? _failure;

    private readonly Func<Digest, Digest, CancellationToken, Task<long?>>? _tarSizeOf;

    /// <param name="tarSizeOf">
    /// The uncompressed size of a layer (diff ID, blob digest), when known: such a layer is decompressed
    /// on its way into the archive, so the daemon gets a plain tar and does no decompression of its own.
    /// </param>
    public DockerImageDestination(DockerClient client, string repository, string tag, string tempDirectory,
        Func<Digest, Digest, CancellationToken, Task<long?>>? tarSizeOf = null)
    {
        _tarSizeOf = tarSizeOf;
        _client = client;
        _repository = repository;
        _tag = tag;
        _workDirectory = PrivateTemp.DirectoryPath(tempDirectory, "load");
    }

    public string Name => $"docker-daemon:{_repository}:{_tag}";

    // The daemon checks every layer against the config's diff IDs as it loads.
    public bool ChecksDiffIds => true;

    public LayerFormats Layers => LayerFormats.DockerLoad;

    public async Task PrepareAsync(TransferPlan plan, CancellationToken ct)
    {
        if (_prepared) throw new InvalidOperationException("PrepareAsync was called already");
        _prepared = true;
        var images = plan.Images.Where(i => !i.IsAttestation).ToList();
        if (images.Count != 1 || images[0].Manifest.Manifest is not { } manifest)
            throw new S3loException("the Docker daemon takes one platform; pick one with --platform");
        _configDigest = Digest.Parse(manifest.Config.Digest);
        foreach (var layer in manifest.Layers) CheckLoadable(layer);

        var existing = await _client.InspectImageAsync(_configDigest.ToString(), ct).ConfigureAwait(false);
        if (existing is not null && existing.Id == _configDigest.ToString())
        {
            _alreadyPresent = true;
            return;
        }

        AddSlot(manifest.Config, isConfig: true);
        foreach (var layer in manifest.Layers) AddSlot(layer, isConfig: false);
        _layerOrder = manifest.Layers.Select(l => Digest.Parse(l.Digest)).ToList();
        PrivateTemp.CreateDirectory(_workDirectory);

        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipePauseBytes, resumeWriterThreshold: PipeResumeBytes, useSynchronizationContext: false));
        _writer = new DockerArchiveWriter(_pipe.Writer.AsStream(leaveOpen: true));
        _load = _client.LoadImageAsync(_pipe.Reader.AsStream(leaveOpen: true), _abort.Token);
        _loadEnded = _load.ContinueWith(OnLoadEnded, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // A load that ends before the commit (daemon gone, upload refused) stops every blob still being
    // written, and a writer waiting on the full pipe must not wait forever.
    private void OnLoadEnded(Task<DockerLoadResult> load)
    {
        if (!load.IsCompletedSuccessfully)
            Fail(load.Exception?.GetBaseException() ?? new OperationCanceledException("the image load was cancelled"));
        _pipe!.Reader.Complete();
    }

    /// <summary>The daemon has no blob store: nothing is there, unless the whole image is.</summary>
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) => Task.FromResult(_alreadyPresent);

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        if (!_prepared) throw new InvalidOperationException("PutBlobAsync before PrepareAsync");
        if (_alreadyPresent)
        {
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }
        if (!_slotsByDigest.TryGetValue(descriptor.Digest, out var slot))
            throw new S3loException($"blob {descriptor.Digest} is not part of the image being loaded");
        ThrowIfFailed();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token);
        try
        {
            if (slot.IsConfig)
                slot.Config = await ReadConfigAsync(descriptor, content, linked.Token).ConfigureAwait(false);
            else if (slot.Compression == LayerCompression.Zstd && await TarSizeAsync(slot, linked.Token).ConfigureAwait(false) is null)
                await DecompressToFileAsync(slot, content, linked.Token).ConfigureAwait(false);
            else if (TakeTurn(slot))
            {
                // Its turn: straight into the tar, no copy on disk.
                await WriteLayerAsync(slot, content, linked.Token).ConfigureAwait(false);
                FinishTurn(slot);
                await DrainAsync(linked.Token).ConfigureAwait(false);
                return;
            }
            else
                await SpoolAsync(slot, content, linked.Token).ConfigureAwait(false);

            if (Arrived(slot)) await DrainAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && _abort.IsCancellationRequested)
        {
            // Stopped because another blob or the load failed: that failure is the one to report.
            ThrowIfFailed();
            throw;
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>The daemon loads one image, no index: child manifests have nowhere to go.</summary>
    public Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct) => Task.CompletedTask;

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        if (!_prepared) throw new InvalidOperationException("CommitAsync before PrepareAsync");
        if (_alreadyPresent)
        {
            await _client.TagImageAsync(_configDigest.ToString(), _repository, _tag, ct).ConfigureAwait(false);
            _committed = true;
            return new CommitResult(root.Digest, null, Unchanged: true);
        }
        ThrowIfFailed();
        lock (_gate)
        {
            if (_next != _slots.Count)
                throw new S3loException($"{_slots[_next].Descriptor.Digest} never reached the Docker daemon; the image was not loaded");
        }

        DockerLoadResult result;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token))
        {
            try
            {
                await _writer!.WriteManifestAsync(null, _layerOrder, linked.Token).ConfigureAwait(false);
                await _writer.CompleteAsync(linked.Token).ConfigureAwait(false);
                await _pipe!.Writer.CompleteAsync().ConfigureAwait(false);
                result = await _load!.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(e);
                throw;
            }
        }

        var imageId = await LoadedImageIdAsync(result, ct).ConfigureAwait(false);
        await _client.TagImageAsync(imageId, _repository, _tag, ct).ConfigureAwait(false);
        _committed = true;
        return new CommitResult(root.Digest, null, Unchanged: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed) Fail(new OperationCanceledException("the pull did not complete"));
        // The load ends promptly once aborted; its error was reported by the call that failed.
        if (_loadEnded is not null) await _loadEnded.ConfigureAwait(false);
        if (_pipe is not null) await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        _abort.Dispose();
        try
        {
            if (Directory.Exists(_workDirectory)) Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: temp files left behind are harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CheckLoadable(Descriptor layer)
    {
        if (layer.Urls is { Count: > 0 } && layer.MediaType.Contains("foreign", StringComparison.Ordinal))
            throw new S3loException($"layer {layer.Digest} is a foreign layer (stored elsewhere), which cannot be loaded into the Docker daemon this way");
        if (MediaTypes.LayerCompressionOf(layer.MediaType) is null)
            throw new S3loException($"layer {layer.Digest} has media type '{layer.MediaType}', which the Docker daemon cannot load");
    }

    private void AddSlot(Descriptor descriptor, bool isConfig)
    {
        if (_slotsByDigest.ContainsKey(descriptor.Digest)) return; // a layer that occurs twice is written once
        var slot = new Slot(descriptor, _slots.Count, isConfig);
        _slots.Add(slot);
        _slotsByDigest[descriptor.Digest] = slot;
    }

    /// <summary>Claims the tar for <paramref name="slot"/> when it is next and nobody is writing.</summary>
    private bool TakeTurn(Slot slot)
    {
        lock (_gate)
        {
            if (_writing || _next != slot.Index) return false;
            _writing = true;
            return true;
        }
    }

    private void FinishTurn(Slot slot)
    {
        lock (_gate)
        {
            slot.Written = true;
            _next++;
        }
    }

    /// <summary>Marks a waiting blob ready; true when the caller now holds the tar and must drain.</summary>
    private bool Arrived(Slot slot)
    {
        lock (_gate)
        {
            slot.Ready = true;
            if (_writing || _next != slot.Index) return false;
            _writing = true;
            return true;
        }
    }

    /// <summary>While holding the tar: writes every ready blob that is next in order, then lets go.</summary>
    private async Task DrainAsync(CancellationToken ct)
    {
        while (true)
        {
            Slot slot;
            lock (_gate)
            {
                if (_next >= _slots.Count || !_slots[_next].Ready)
                {
                    _writing = false;
                    return;
                }
                slot = _slots[_next];
            }
            if (slot.Config is { } config)
            {
                await _writer!.WriteConfigAsync(config, ct).ConfigureAwait(false);
                _diffIds = OciJson.ParseConfig(config, $"config {slot.Descriptor.Digest}").RootFs?.DiffIds ?? [];
            }
            else
            {
                await using (var file = OpenRead(slot.SpoolPath!))
                {
                    if (slot.Decompressed) await _writer!.WriteLayerAsync(slot.Digest, file, file.Length, ct).ConfigureAwait(false);
                    else await WriteLayerAsync(slot, file, ct).ConfigureAwait(false);
                }
                File.Delete(slot.SpoolPath!);
            }
            FinishTurn(slot);
        }
    }

    /// <summary>
    /// Writes a stored layer into the tar: decompressed when its tar size is known (the daemon's own
    /// gunzip is slower than ours and would run after the upload), else as stored.
    /// </summary>
    private async Task WriteLayerAsync(Slot slot, Stream content, CancellationToken ct)
    {
        if (slot.Compression is LayerCompression.Gzip or LayerCompression.Zstd && await TarSizeAsync(slot, ct).ConfigureAwait(false) is { } tarSize)
        {
            await using (var tar = LayerCompressor.OpenDecompressor(new NonClosingStream(content), slot.Compression.Value))
                await _writer!.WriteLayerAsync(slot.Digest, tar, tarSize, ct).ConfigureAwait(false);
            // The decoder stops at the end of its data: reading on to the end is what verifies the digest.
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }
        await _writer!.WriteLayerAsync(slot.Digest, content, slot.Descriptor.Size, ct).ConfigureAwait(false);
    }

    private async Task<long?> TarSizeAsync(Slot slot, CancellationToken ct)
    {
        // Before the config is known there is no diff ID to ask about: unknown for now, not for good.
        if (_tarSizeOf is null || _diffIds.Count == 0) return null;
        if (slot.TarSize is null)
        {
            var position = _layerOrder.IndexOf(slot.Digest);
            var diffId = position >= 0 && position < _diffIds.Count && Digest.TryParse(_diffIds[position], out var d) ? d : (Digest?)null;
            slot.TarSize = diffId is { } id ? await _tarSizeOf(id, slot.Digest, ct).ConfigureAwait(false) ?? -1 : -1;
        }
        return slot.TarSize >= 0 ? slot.TarSize : null;
    }

    private static async Task<byte[]> ReadConfigAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        if (descriptor.Size is < 0 or > OciJson.MaxDocumentBytes)
            throw new S3loException($"config {descriptor.Digest} is {descriptor.Size} bytes, over the {OciJson.MaxDocumentBytes}-byte limit");
        var bytes = new byte[descriptor.Size];
        await content.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false); // the end of the stream is where it verifies
        return bytes;
    }

    private async Task SpoolAsync(Slot slot, Stream content, CancellationToken ct)
    {
        var path = NewTempPath();
        await using (var file = CreateFile(path))
            await content.CopyToAsync(file, CopyBufferSize, ct).ConfigureAwait(false);
        slot.SpoolPath = path;
    }

    private async Task DecompressToFileAsync(Slot slot, Stream content, CancellationToken ct)
    {
        // The tar header needs the decompressed size, so the whole layer is decompressed before its turn.
        var path = NewTempPath();
        var limit = DecompressionLimit.For(slot.Descriptor, await TarSizeAsync(slot, ct).ConfigureAwait(false));
        try
        {
            await using var file = CreateFile(path);
            await using var zstd = new DecompressionStream(content, leaveOpen: true);
            await DecompressionLimit.CopyAsync(zstd, file, limit, $"zstd layer {slot.Descriptor.Digest}", ct).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(path); // a bomb's partial output must not wait for the end of the load
            throw;
        }
        // The decoder may stop at the frame's end: reading on to the end is what verifies the digest.
        await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        slot.SpoolPath = path;
        slot.Decompressed = true;
    }

    /// <summary>The ID the daemon gave the loaded image, checked to be this image.</summary>
    private async Task<string> LoadedImageIdAsync(DockerLoadResult result, CancellationToken ct)
    {
        if (result.ImageIds.Contains(_configDigest)) return _configDigest.ToString();
        // Daemons on the containerd image store name images by manifest digest: compare the layers instead.
        foreach (var id in result.ImageIds)
        {
            var inspect = await _client.InspectImageAsync(id.ToString(), ct).ConfigureAwait(false);
            if (inspect?.RootFS?.Layers is { } layers && layers.SequenceEqual(_diffIds, StringComparer.Ordinal)) return inspect.Id;
        }
        throw new S3loException(
            $"the Docker daemon loaded {(result.ImageIds.Count == 0 ? "no image ID" : string.Join(", ", result.ImageIds))}, not image {_configDigest}; nothing was tagged");
    }

    private void Fail(Exception e)
    {
        lock (_gate) _failure ??= e;
        // Cancelling the upload cuts the archive short: the daemon unpacks the whole tar before it loads
        // anything, so it loads nothing.
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void ThrowIfFailed()
    {
        Exception? failure;
        lock (_gate) failure = _failure;
        if (failure is not null)
            throw new S3loException($"loading into the Docker daemon stopped: {failure.Message}", hint: (failure as S3loException)?.Hint, inner: failure);
    }

    private string NewTempPath() => Path.Combine(_workDirectory, Guid.NewGuid().ToString("N") + ".blob");

    private static FileStream CreateFile(string path) => new(path, PrivateTemp.NewFile(bufferSize: 1));

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private sealed class Slot(Descriptor descriptor, int index, bool isConfig)
    {
        public Descriptor Descriptor { get; } = descriptor;
        public Digest Digest { get; } = Digest.Parse(descriptor.Digest);
        public int Index { get; } = index;
        public bool IsConfig { get; } = isConfig;
        public LayerCompression? Compression { get; } = isConfig ? null : MediaTypes.LayerCompressionOf(descriptor.MediaType);

        // Guarded by the destination's lock.
        public bool Ready { get; set; }
        public bool Written { get; set; }

        public byte[]? Config { get; set; }
        public string? SpoolPath { get; set; }
        /// <summary>True when the spool file already holds the plain tar.</summary>
        public bool Decompressed { get; set; }
        /// <summary>The plain tar's size once looked up; -1 when unknown.</summary>
        public long? TarSize { get; set; }
    }
}
