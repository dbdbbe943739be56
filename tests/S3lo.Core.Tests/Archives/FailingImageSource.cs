using S3lo.Core.Oci;
using S3lo.Core.Tests.Support;
using S3lo.Core.Transfer;

namespace S3lo.Core.Tests.Archives;

/// <summary>
/// A real source whose one blob breaks off midway (a connection reset or a killed copy, which a real
/// store cannot be made to do on demand): the destination must end up with no trace of it.
/// </summary>
internal sealed class FailingImageSource(IImageSource inner, string failingDigest) : IImageSource
{
    public string Name => inner.Name;

    public Task<ManifestBlob> GetRootAsync(CancellationToken ct) => inner.GetRootAsync(ct);

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) => inner.GetManifestAsync(descriptor, ct);

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) => inner.ContainsBlobAsync(descriptor, ct);

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        var stream = await inner.OpenBlobAsync(descriptor, ct);
        if (descriptor.Digest != failingDigest) return stream;
        byte[] bytes;
        await using (stream) bytes = await Bytes.ReadAllAsync(stream);
        return new SourceStream(bytes, failAfter: bytes.Length / 2, maxChunk: 1024);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
