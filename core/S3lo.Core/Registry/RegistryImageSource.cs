using S3lo.Core.Digests;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Registry;

/// <summary>
/// An image in a registry as a transfer source: the root by tag or digest (byte-exact, digest
/// checked), child manifests by digest, blobs streamed (the engine verifies them).
/// </summary>
public sealed class RegistryImageSource(RegistryClient client, RegistryReference reference, bool ownsClient = false) : IImageSource
{
    /// <summary>A source for a reference string (docker normalisation), with its own client.</summary>
    public static RegistryImageSource Open(string reference, RegistryClientOptions options)
    {
        var parsed = RegistryReference.Parse(reference);
        return new RegistryImageSource(RegistryClient.For(parsed, options), parsed, ownsClient: true);
    }

    public RegistryReference Reference => reference;
    public RegistryClient Client => client;
    public string Name => reference.ToString();

    public Task<ManifestBlob> GetRootAsync(CancellationToken ct) =>
        client.GetManifestAsync(reference.Repository, reference.Reference, ct);

    public Task<ManifestBlob> GetManifestAsync(Descriptor descriptor, CancellationToken ct) =>
        client.GetManifestAsync(reference.Repository, Digest.Parse(descriptor.Digest).ToString(), ct, descriptor.MediaType);

    public async Task<bool> ContainsBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        await client.HeadBlobAsync(reference.Repository, Digest.Parse(descriptor.Digest), ct).ConfigureAwait(false) is not null;

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        client.OpenBlobAsync(reference.Repository, Digest.Parse(descriptor.Digest), ct);

    public ValueTask DisposeAsync()
    {
        if (ownsClient) client.Dispose();
        return ValueTask.CompletedTask;
    }
}
