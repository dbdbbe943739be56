using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Tests.Support;

/// <summary>
/// Wraps a real source and lies about one blob or manifest. A store cannot be made to return
/// bytes other than the ones it holds, so this is the one place a test double stands in: it proves
/// the engine checks digests instead of trusting the source.
/// </summary>
internal sealed class TamperingImageSource(IImageSource inner) : IImageSource
{
    /// <summary>Blobs (by digest) whose bytes get one byte flipped, same length.</summary>
    public HashSet<string> CorruptBlobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Manifests (by digest) answered with another manifest.</summary>
    public Dictionary<string, ManifestBlob> SubstituteManifests { get; } = new(StringComparer.Ordinal);

    public int BlobsOpened;

    public string Name => inner.Name;

    public Task<ManifestBlob> GetRootAsync(CancellationToken ct) => inner.GetRootAsync(ct);

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        SubstituteManifests.TryGetValue(descriptor.Digest, out var other) ? Task.FromResult(other) : inner.GetManifestAsync(descriptor, ct);

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) => inner.ContainsBlobAsync(descriptor, ct);

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        Interlocked.Increment(ref BlobsOpened);
        var stream = await inner.OpenBlobAsync(descriptor, ct);
        if (!CorruptBlobs.Contains(descriptor.Digest)) return stream;
        byte[] bytes;
        await using (stream) bytes = await Bytes.ReadAllAsync(stream);
        bytes[bytes.Length / 2] ^= 0x5a;
        return new MemoryStream(bytes, writable: false);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
