using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Archives;

/// <summary>
/// <c>oci:DIR[:TAG]</c> as a transfer source: the index.json entry whose
/// <c>org.opencontainers.image.ref.name</c> is TAG (or the only entry), its manifest or index read from
/// blobs/ byte-exact. The layout is untrusted: version, names, sizes and JSON sizes are checked.
/// </summary>
public sealed class OciLayoutSource : IImageSource
{
    private readonly LayoutDirectory _directory;
    private readonly LayoutReader _reader;

    public OciLayoutSource(string directory, string? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
        Tag = tag;
        _directory = new LayoutDirectory(directory);
        _reader = new LayoutReader(_directory, tag, Name);
    }

    public string Directory { get; }
    public string? Tag { get; }
    public string Name => $"oci:{Directory}{(Tag is null ? "" : ":" + Tag)}";

    public Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(_directory.Root))
            throw new NotFoundException($"{Name}: no such directory", "an oci: source is a directory holding an OCI image layout (oci-layout, index.json, blobs/)");
        return _reader.GetRootAsync(ct);
    }

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) => _reader.GetManifestAsync(descriptor, ct);

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) => _reader.ContainsBlobAsync(descriptor, ct);

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) => _reader.OpenBlobAsync(descriptor, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
