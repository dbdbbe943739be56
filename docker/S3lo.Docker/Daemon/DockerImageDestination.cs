using System.IO.Pipelines;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;
using S3lo.Core.Transfer;
using S3lo.Docker.Engine;
using S3lo.Docker.SaveFormat;

namespace S3lo.Docker.Daemon;

/// <summary>
/// The Docker daemon as a transfer destination (pull). The daemon has no blob store, only image load:
/// the image is written as a docker-archive (<see cref="DockerArchiveImageWriter"/>, the writer
/// <c>docker-archive:FILE</c> uses) that streams into <c>POST /images/load</c> while the transfer runs;
/// blobs that arrive while another is written wait in temp files. Layers come plain or gzip
/// (<see cref="LayerFormats.DockerLoad"/>: Docker 20.10 loads no zstd, and a plain tar spares the daemon a
/// gunzip after the upload). The image is tagged only after the daemon loaded it whole, so a failed pull
/// leaves no tagged image; an image the daemon already has is only tagged.
/// </summary>
public sealed class DockerImageDestination : IImageDestination
{
    private const string Target = "the Docker daemon";
    // The pipe holds at most this much between the transfer and the HTTP upload: memory stays flat.
    private const long PipePauseBytes = 4 * 1024 * 1024;
    private const long PipeResumeBytes = 2 * 1024 * 1024;

    private readonly DockerClient _client;
    private readonly string _repository;
    private readonly string _tag;
    private readonly string _workDirectory;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _abort = new();
    private LoadableImage? _image;
    private ITransferObserver _observer = NullTransferObserver.Instance;
    private DaemonLoadProgress? _loading;
    private Pipe? _pipe;
    private DockerArchiveImageWriter? _writer;
    private Task<DockerLoadResult>? _load;
    private Task? _loadEnded;
    private bool _alreadyPresent;
    private bool _committed;
    private Exception? _failure;

    public DockerImageDestination(DockerClient client, string repository, string tag, string tempDirectory)
    {
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
        if (_image is not null) throw new InvalidOperationException("PrepareAsync was called already");
        _image = LoadableImage.From(plan, Target);
        _observer = plan.Observer;
        var existing = await _client.InspectImageAsync(_image.Config.Digest, ct).ConfigureAwait(false);
        if (existing is not null && existing.Id == _image.Config.Digest)
        {
            _alreadyPresent = true;
            return;
        }

        PrivateTemp.CreateDirectory(_workDirectory);
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipePauseBytes, resumeWriterThreshold: PipeResumeBytes, useSynchronizationContext: false));
        _writer = new DockerArchiveImageWriter(_image, _pipe.Writer.AsStream(leaveOpen: true), _workDirectory, "", Target);
        var writer = _writer;
        _loading = new DaemonLoadProgress(_image, () => writer.Config, _observer);
        _load = _client.LoadImageAsync(_pipe.Reader.AsStream(leaveOpen: true), _loading.Report, _abort.Token);
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
    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(_alreadyPresent || (_writer?.Holds(descriptor) ?? false));

    public async Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct)
    {
        if (_image is null) throw new InvalidOperationException("PutBlobAsync before PrepareAsync");
        if (_alreadyPresent)
        {
            await content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }
        ThrowIfFailed();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token);
        try
        {
            await _writer!.PutBlobAsync(descriptor, content, linked.Token).ConfigureAwait(false);
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
        if (_image is null) throw new InvalidOperationException("CommitAsync before PrepareAsync");
        if (_alreadyPresent)
        {
            await _client.TagImageAsync(_image.Config.Digest, _repository, _tag, ct).ConfigureAwait(false);
            _committed = true;
            return new CommitResult(root.Digest, null, Unchanged: true);
        }
        ThrowIfFailed();

        DockerLoadResult result;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token))
        {
            try
            {
                await _writer!.CompleteAsync(null, null, linked.Token).ConfigureAwait(false);
                await _pipe!.Writer.CompleteAsync().ConfigureAwait(false);
                _observer.ImagePhase(TransferPhase.Loading, Target);
                result = await _load!.WaitAsync(ct).ConfigureAwait(false);
                _loading!.Finish(result);
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
        _writer?.Dispose();
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

    /// <summary>The ID the daemon gave the loaded image, checked to be this image.</summary>
    private async Task<string> LoadedImageIdAsync(DockerLoadResult result, CancellationToken ct)
    {
        var configDigest = Digest.Parse(_image!.Config.Digest);
        if (result.ImageIds.Contains(configDigest)) return configDigest.ToString();
        // Daemons on the containerd image store name images by manifest digest: compare the layers instead.
        var diffIds = OciJson.ParseConfig(_writer!.Config!, $"config {configDigest}").RootFs?.DiffIds ?? [];
        foreach (var id in result.ImageIds)
        {
            var inspect = await _client.InspectImageAsync(id.ToString(), ct).ConfigureAwait(false);
            if (inspect?.RootFS?.Layers is { } layers && layers.SequenceEqual(diffIds, StringComparer.Ordinal)) return inspect.Id;
        }
        throw new S3loException(
            $"the Docker daemon loaded {(result.ImageIds.Count == 0 ? "no image ID" : string.Join(", ", result.ImageIds))}, not image {configDigest}; nothing was tagged");
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
}
