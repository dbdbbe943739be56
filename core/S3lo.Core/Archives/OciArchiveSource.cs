using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Archives;

/// <summary>
/// <c>oci-archive:FILE[:TAG]</c> as a transfer source: a tar of an OCI image layout (what skopeo and
/// <c>docker save</c> of Docker 25+ write). The tar is indexed once and blobs are read in place by offset:
/// nothing is extracted to a temp directory. Same checks as <see cref="OciLayoutSource"/>, plus entry names.
/// </summary>
public sealed class OciArchiveSource : IImageSource
{
    private readonly SemaphoreSlim _open = new(1, 1);
    private TarLayoutFiles? _tar;
    private LayoutReader? _reader;

    public OciArchiveSource(string file, string? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        File = file;
        Tag = tag;
    }

    public string File { get; }
    public string? Tag { get; }
    public string Name => $"oci-archive:{File}{(Tag is null ? "" : ":" + Tag)}";

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct) =>
        await (await ReaderAsync(ct).ConfigureAwait(false)).GetRootAsync(ct).ConfigureAwait(false);

    public async Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        await (await ReaderAsync(ct).ConfigureAwait(false)).GetManifestAsync(descriptor, ct).ConfigureAwait(false);

    public async Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        await (await ReaderAsync(ct).ConfigureAwait(false)).ContainsBlobAsync(descriptor, ct).ConfigureAwait(false);

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        await (await ReaderAsync(ct).ConfigureAwait(false)).OpenBlobAsync(descriptor, ct).ConfigureAwait(false);

    private async Task<LayoutReader> ReaderAsync(CancellationToken ct)
    {
        if (_reader is not null) return _reader;
        await _open.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_reader is not null) return _reader;
            _tar = await TarLayoutFiles.OpenAsync(File, Name, ct).ConfigureAwait(false);
            _reader = new LayoutReader(_tar, Tag, Name);
            return _reader;
        }
        finally
        {
            _open.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _tar?.Dispose();
        _open.Dispose();
        return ValueTask.CompletedTask;
    }
}
