using System.Text.Encodings.Web;
using System.Text.Json;
using S3lo.Core.Archives;
using S3lo.Core.Digests;
using S3lo.Docker.Engine;

namespace S3lo.Docker.SaveFormat;

/// <summary>
/// Writes a classic docker-archive (what <c>POST /images/load</c> takes) forward-only into a stream: no
/// seeking, so it can feed the daemon through a pipe while blobs still arrive. Each entry's size is
/// declared up front and the content must be exactly that long. Not thread-safe: one writer at a time
/// (<see cref="DockerArchiveImageWriter"/> takes turns for a transfer's concurrent blobs).
/// </summary>
public sealed class DockerArchiveWriter
{
    private static readonly JsonSerializerOptions ManifestJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly DockerJsonContext ManifestContext = new(ManifestJson);

    private readonly Stream _output;
    private readonly TarEntryWriter _tar;
    private readonly List<string> _layers = [];
    private readonly Dictionary<Digest, string> _layerPaths = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _manifestWritten;
    private bool _completed;

    public DockerArchiveWriter(Stream output)
    {
        _output = output;
        _tar = new TarEntryWriter(output);
    }

    /// <summary>Layer entry names in the order written.</summary>
    public IReadOnlyList<string> LayerPaths => _layers;

    /// <summary>The config's entry name, once written.</summary>
    public string? ConfigPath { get; private set; }

    /// <summary>Every entry name written so far.</summary>
    public IReadOnlySet<string> Names => _names;

    /// <summary>Writes <c>&lt;hex&gt;/layer.tar</c> with exactly <paramref name="size"/> bytes of <paramref name="content"/>.</summary>
    public async Task WriteLayerAsync(Digest blobDigest, Stream content, long size, CancellationToken ct)
    {
        EnsureOpen();
        if (_layerPaths.ContainsKey(blobDigest)) throw new InvalidOperationException($"layer {blobDigest} was written already");
        var path = $"{blobDigest.Hex}/layer.tar";
        await WriteEntryAsync(path, content, size, $"layer {blobDigest}", ct).ConfigureAwait(false);
        _layerPaths[blobDigest] = path;
        _layers.Add(path);
    }

    /// <summary>Writes the config as <c>&lt;sha256 of it&gt;.json</c>; the daemon's image ID is that digest.</summary>
    public async Task WriteConfigAsync(byte[] config, CancellationToken ct)
    {
        EnsureOpen();
        if (ConfigPath is not null) throw new InvalidOperationException("the config was written already");
        var path = $"{Digest.Compute(config).Hex}.json";
        await WriteEntryAsync(path, new MemoryStream(config, writable: false), config.Length, "config", ct).ConfigureAwait(false);
        ConfigPath = path;
    }

    /// <summary>Writes another file of an archive as it is (an image carried over from an existing archive).</summary>
    public Task WriteOtherFileAsync(string name, Stream content, long size, CancellationToken ct)
    {
        EnsureOpen();
        return WriteEntryAsync(name, content, size, name, ct);
    }

    /// <summary>Writes manifest.json naming the layers in the order written.</summary>
    public Task WriteManifestAsync(string? repoTag, CancellationToken ct) => WriteManifestAsync(repoTag, null, ct);

    /// <summary>
    /// Writes manifest.json. <paramref name="layerOrder"/> gives the image's layers by blob digest when
    /// it differs from the order written (a layer that occurs twice is written once, named twice).
    /// </summary>
    public Task WriteManifestAsync(string? repoTag, IReadOnlyList<Digest>? layerOrder, CancellationToken ct) =>
        WriteManifestAsync(repoTag, layerOrder, [], ct);

    /// <summary>manifest.json with this image first, then <paramref name="others"/> (images already in the archive).</summary>
    internal async Task WriteManifestAsync(string? repoTag, IReadOnlyList<Digest>? layerOrder, IReadOnlyList<DockerArchiveManifestEntry> others, CancellationToken ct)
    {
        EnsureOpen();
        if (ConfigPath is null) throw new InvalidOperationException("write the config before the manifest");
        if (_manifestWritten) throw new InvalidOperationException("manifest.json was written already");
        var layers = layerOrder is null
            ? _layers
            : layerOrder.Select(d => _layerPaths.TryGetValue(d, out var p) ? p : throw new InvalidOperationException($"layer {d} was not written")).ToList();
        var entry = new DockerArchiveManifestEntry
        {
            Config = ConfigPath,
            RepoTags = repoTag is null ? null : [repoTag],
            Layers = layers,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes([entry, .. others], ManifestContext.ListDockerArchiveManifestEntry);
        await WriteEntryAsync("manifest.json", new MemoryStream(json, writable: false), json.Length, "manifest.json", ct).ConfigureAwait(false);
        _manifestWritten = true;
    }

    /// <summary>Ends the archive (two zero blocks) and flushes; the output stream stays open.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        EnsureOpen();
        if (!_manifestWritten) throw new InvalidOperationException("write manifest.json before completing the archive");
        await _tar.EndAsync(ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
        _completed = true;
    }

    private async Task WriteEntryAsync(string name, Stream content, long size, string what, CancellationToken ct)
    {
        await _tar.FileAsync(name, content, size, what, ct).ConfigureAwait(false);
        _names.Add(name);
    }

    private void EnsureOpen()
    {
        if (_completed) throw new InvalidOperationException("the archive is complete");
    }
}
