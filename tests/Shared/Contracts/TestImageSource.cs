using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Tests.Shared.Contracts;

/// <summary>
/// A test source, not a fake server: hands a <see cref="TestImage"/> from memory to the transfer
/// engine, the way any source does. A blob can be made missing (the source lacks it) or corrupt
/// (same size, one byte flipped) — what a broken real source looks like to the engine.
/// </summary>
public sealed class TestImageSource(TestImage image) : IImageSource
{
    public HashSet<string> Missing { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Corrupt { get; } = new(StringComparer.Ordinal);

    public string Name => "test image source";

    public Task<ManifestBlob> GetRootAsync(CancellationToken ct) => Task.FromResult(image.Root);

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new NotFoundException($"manifest {descriptor.Digest} is not in {Name}: it holds one image");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        Task.FromResult(image.Blobs.ContainsKey(descriptor.Digest) && !Missing.Contains(descriptor.Digest));

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        if (Missing.Contains(descriptor.Digest) || !image.Blobs.TryGetValue(descriptor.Digest, out var bytes))
            throw new NotFoundException($"blob {descriptor.Digest} is not in {Name}");
        if (Corrupt.Contains(descriptor.Digest))
        {
            bytes = (byte[])bytes.Clone();
            bytes[bytes.Length / 2] ^= 0xff;
        }
        return Task.FromResult<Stream>(new MemoryStream(bytes, writable: false));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
