using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Archives;

/// <summary>Resolves a tag in an OCI image layout and serves its manifests and blobs (both layout sources use it).</summary>
internal sealed class LayoutReader(ILayoutFiles files, string? tag, string where)
{
    private ManifestBlob? _root;

    public async Task<ManifestBlob> GetRootAsync(CancellationToken ct)
    {
        if (_root is not null) return _root;
        var layout = await ReadSmallFileAsync(OciLayout.LayoutFileName, OciLayout.MaxLayoutFileBytes, ct).ConfigureAwait(false)
            ?? throw new S3loException($"{where} is not an OCI image layout: it has no oci-layout file",
                "write an image there first, e.g. 's3lo copy SOURCE oci:DIR:TAG'");
        OciLayout.CheckLayoutFile(layout, where);
        var indexBytes = await ReadSmallFileAsync(OciLayout.IndexFileName, OciLayout.MaxIndexBytes, ct).ConfigureAwait(false)
            // A layout s3lo set up for a copy that failed before its first commit: there, but empty.
            ?? throw new NotFoundException($"{where} holds no image yet: it has no index.json",
                "write an image there first, e.g. 's3lo copy SOURCE oci:DIR:TAG'");
        var index = OciLayout.ParseIndex(indexBytes, where);
        var entry = OciLayout.Select(index, tag, where);
        _root = await GetManifestAsync(entry, ct).ConfigureAwait(false);
        return _root;
    }

    public async Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct)
    {
        var digest = OciLayout.BlobDigest(descriptor, where);
        if (descriptor.Size is < 0 or > OciJson.MaxDocumentBytes)
            throw new S3loException($"manifest {digest} in {where} is said to be {descriptor.Size} bytes; manifests are at most {OciJson.MaxDocumentBytes}");
        var name = OciLayout.BlobName(digest);
        var size = await files.SizeAsync(name, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"manifest {digest} is missing from {where}");
        if (size != descriptor.Size)
            throw new S3loException($"manifest {digest} in {where} is {size} bytes, its descriptor says {descriptor.Size}");
        byte[] bytes;
        await using (var stream = await files.OpenAsync(name, ct).ConfigureAwait(false))
            bytes = await OciLayout.ReadCappedAsync(stream, (int)descriptor.Size, $"manifest {digest} in {where}", ct).ConfigureAwait(false);
        return OciLayout.ParseManifest(bytes, descriptor, digest, where);
    }

    public async Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        await files.SizeAsync(OciLayout.BlobName(OciLayout.BlobDigest(descriptor, where)), ct).ConfigureAwait(false) == descriptor.Size;

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        var digest = OciLayout.BlobDigest(descriptor, where);
        var name = OciLayout.BlobName(digest);
        var size = await files.SizeAsync(name, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"blob {digest} is missing from {where}");
        if (size != descriptor.Size)
            throw new S3loException($"blob {digest} in {where} is {size} bytes, its descriptor says {descriptor.Size}");
        return await files.OpenAsync(name, ct).ConfigureAwait(false);
    }

    private async Task<byte[]?> ReadSmallFileAsync(string name, int limit, CancellationToken ct)
    {
        var size = await files.SizeAsync(name, ct).ConfigureAwait(false);
        if (size is null) return null;
        if (size > limit) throw new S3loException($"{where}: {name} is {size} bytes, over the {limit}-byte limit");
        await using var stream = await files.OpenAsync(name, ct).ConfigureAwait(false);
        return await OciLayout.ReadCappedAsync(stream, limit, $"{name} in {where}", ct).ConfigureAwait(false);
    }
}
