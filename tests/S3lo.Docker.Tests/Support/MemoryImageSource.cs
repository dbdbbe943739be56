using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Docker.Tests.Support;

/// <summary>An image source serving one manifest and its blobs from memory, with a delay per blob so they finish out of order.</summary>
internal sealed class MemoryImageSource(ManifestBlob root, Func<Descriptor, Stream> open) : IImageSource
{
    public string Name => "memory";

    public Task<ManifestBlob> GetRootAsync(CancellationToken ct) => Task.FromResult(root);

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        throw new NotFoundException($"manifest {descriptor.Digest} not in memory source");

    public Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) => Task.FromResult(true);

    public async Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        // Later blobs answer sooner: the destination sees them before their turn.
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, 300 - descriptor.Size % 7 * 40)), ct);
        return open(descriptor);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
