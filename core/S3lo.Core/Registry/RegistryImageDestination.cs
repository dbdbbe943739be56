using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Transfer;

namespace S3lo.Core.Registry;

/// <summary>
/// A registry repository as a transfer destination: blobs HEAD-checked (and mounted from
/// <paramref name="mountFrom"/> when it is another repository on the same registry), uploaded
/// otherwise; child manifests put by digest; the root put last under the tag (or its digest)
/// with its exact bytes and media type — the commit point.
/// </summary>
public sealed class RegistryImageDestination(RegistryClient client, RegistryReference reference, RegistryReference? mountFrom = null, bool ownsClient = false)
    : IImageDestination
{
    private int _mounted;

    /// <summary>A destination for a reference string (docker normalisation, <c>:latest</c> by default), with its own client.</summary>
    /// <param name="mountFrom">The copy's source when it is a registry reference: blobs are mounted when it is on the same registry.</param>
    public static RegistryImageDestination Open(string reference, RegistryClientOptions options, RegistryReference? mountFrom = null)
    {
        var parsed = RegistryReference.Parse(reference);
        return new RegistryImageDestination(RegistryClient.For(parsed, options), parsed, mountFrom, ownsClient: true);
    }

    public RegistryReference Reference => reference;
    public RegistryClient Client => client;
    public string Name => reference.ToString();

    /// <summary>Blobs linked from <c>mountFrom</c> instead of uploaded (the engine counts them as skipped).</summary>
    public int BlobsMounted => Volatile.Read(ref _mounted);

    private string? MountRepository =>
        mountFrom is not null && string.Equals(mountFrom.Registry, reference.Registry, StringComparison.OrdinalIgnoreCase)
        && mountFrom.Repository != reference.Repository
            ? mountFrom.Repository
            : null;

    public Task PrepareAsync(TransferPlan plan, CancellationToken ct)
    {
        // A destination named by digest can only receive exactly that image: say so before uploading anything.
        if (reference.Digest is { } wanted && plan.Root.Digest != wanted)
            throw new S3loException($"{Name} names digest {wanted}, but the image being copied is {plan.Root.Digest}",
                "name the destination by tag, or by the digest of what is copied (a --platform copy has the platform manifest's digest)");
        return Task.CompletedTask;
    }

    public async Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct)
    {
        var digest = Digest.Parse(descriptor.Digest);
        if (await client.HeadBlobAsync(reference.Repository, digest, ct, forPush: true).ConfigureAwait(false) is not null) return true;
        if (MountRepository is { } from && await client.TryMountBlobAsync(reference.Repository, digest, from, ct).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _mounted);
            return true;
        }
        return false;
    }

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct) =>
        client.UploadBlobAsync(reference.Repository, Digest.Parse(descriptor.Digest), descriptor.Size, content, ct);

    public Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct) =>
        client.PutManifestAsync(reference.Repository, manifest.Digest.ToString(), manifest, ct);

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        if (reference.Digest is { } wanted && root.Digest != wanted)
            throw new S3loException($"{Name} names digest {wanted}, but the image being copied is {root.Digest}");
        if (reference.Tag is not { } tag)
        {
            var existing = await client.HeadManifestAsync(reference.Repository, root.Digest.ToString(), ct, forPush: true).ConfigureAwait(false);
            if (existing is not null) return new CommitResult(root.Digest, root.Digest, Unchanged: true);
            await client.PutManifestAsync(reference.Repository, root.Digest.ToString(), root, ct).ConfigureAwait(false);
            return new CommitResult(root.Digest, null, Unchanged: false);
        }
        var previous = await PreviousDigestAsync(tag, ct).ConfigureAwait(false);
        if (previous == root.Digest) return new CommitResult(root.Digest, previous, Unchanged: true);
        await client.PutManifestAsync(reference.Repository, tag, root, ct).ConfigureAwait(false);
        return new CommitResult(root.Digest, previous, Unchanged: false);
    }

    /// <summary>What the tag points at now, when the registry says (best effort: the PUT that follows reports real errors).</summary>
    private async Task<Digest?> PreviousDigestAsync(string tag, CancellationToken ct)
    {
        try
        {
            return (await client.HeadManifestAsync(reference.Repository, tag, ct, forPush: true).ConfigureAwait(false))?.Digest;
        }
        catch (S3loException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (ownsClient) client.Dispose();
        return ValueTask.CompletedTask;
    }
}
