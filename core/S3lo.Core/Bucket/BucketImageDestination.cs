using S3lo.Core.Config;
using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Signing;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;

namespace S3lo.Core.Bucket;

/// <summary>
/// A bucket tag as a transfer destination. Blobs first (content-addressed, never overwritten),
/// platform manifests as blobs, then manifest.json — guarded against a concurrent push to the
/// same tag, and refused when the tag is immutable and holds another image — and last the history
/// entry. After the commit it waits out running cleans and names the blobs they took.
/// </summary>
/// <param name="compression">How layers this transfer encodes are stored (a push's --compression).</param>
/// <param name="rules">The image's rules from the bucket config; null: the built-in ones (mutable).</param>
/// <param name="force">Move the tag even when it is immutable (--force).</param>
/// <param name="provenance">The command and source recorded in the history entry; null: none (as s3lo v1).</param>
public sealed class BucketImageDestination(ImageBucket bucket, string repository, string tag, TimeProvider clock,
    LayerCompression compression = LayerCompression.Gzip, EffectiveRules? rules = null, bool force = false,
    PushProvenance? provenance = null)
    : IImageDestination, IFileBlobDestination, IStoredBlobDestination, ICommitRecheck, ISignatureDestination
{
    private const int HeadParallelism = 16;
    private readonly bool _immutable = (rules ?? EffectiveRules.BuiltIn).Immutable.Value;
    private readonly BucketLayerCache _layers = new(bucket);
    private TagRecord? _before;
    private bool _snapshotTaken;
    private long _imageBytes;

    public string Name => $"{bucket.Name}/{repository}:{tag}";

    public LayerFormats Layers => LayerFormats.Stored(compression);

    public ILayerCache LayerCache => _layers;

    // Blobs are content-addressed: a layer can go up before the image it belongs to is known.
    public bool TakesBlobsBeforePlan => true;

    /// <summary>
    /// Remembers what the tag points at now. The commit then refuses to overwrite a change made
    /// after this moment — call it when the transfer starts, so a push that ran alongside is caught
    /// however long this one took. Without it, the state at <see cref="PrepareAsync"/> counts.
    /// </summary>
    public async Task SnapshotTagAsync(CancellationToken ct)
    {
        _before = await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false);
        _snapshotTaken = true;
    }

    public async Task PrepareAsync(TransferPlan plan, CancellationToken ct)
    {
        if (!_snapshotTaken) await SnapshotTagAsync(ct).ConfigureAwait(false);
        // Before any blob goes up: a refused push writes nothing.
        RefuseToMoveImmutable(_before, plan.Root.Digest);
        _imageBytes = plan.Blobs.Sum(b => b.Size) + plan.Images.Sum(i => i.Manifest.Size);
    }

    public Task<bool> HasBlobAsync(Descriptor descriptor, CancellationToken ct) =>
        bucket.HasBlobAsync(Digest.Parse(descriptor.Digest), descriptor.Size, ct);

    public Task PutBlobAsync(Descriptor descriptor, Stream content, CancellationToken ct) =>
        bucket.PutBlobAsync(Digest.Parse(descriptor.Digest), content, descriptor.Size, ct);

    public string? StagingDirectory => (bucket.Store as ILocalFileStore)?.StagingDirectory;

    public Task<bool> TryMoveInAsync(Descriptor descriptor, string path, CancellationToken ct) =>
        bucket.Store is ILocalFileStore local
            ? local.TryMoveInAsync(path, BucketLayout.BlobKey(Digest.Parse(descriptor.Digest)), ct)
            : Task.FromResult(false);

    public Task<bool> TryCopyBlobAsync(Descriptor descriptor, IObjectStore sourceStore, string sourceKey, CancellationToken ct) =>
        bucket.Store is IServerSideCopy copier && !ReferenceEquals(sourceStore, bucket.Store)
            ? copier.TryCopyFromAsync(sourceStore, sourceKey, BucketLayout.BlobKey(Digest.Parse(descriptor.Digest)), PutOptions.Blob, ct)
            : Task.FromResult(false);

    public async Task PutManifestAsync(ManifestBlob manifest, CancellationToken ct)
    {
        if (await bucket.HasBlobAsync(manifest.Digest, manifest.Size, ct).ConfigureAwait(false)) return;
        using var content = new MemoryStream(manifest.Bytes, writable: false);
        await bucket.PutBlobAsync(manifest.Digest, content, manifest.Size, ct).ConfigureAwait(false);
    }

    public async Task<CommitResult> CommitAsync(ManifestBlob root, CancellationToken ct)
    {
        var before = _before;
        // The tag may have appeared or moved since the snapshot: an immutable one is judged by what it holds now.
        if (_immutable && !force) before = await bucket.ReadTagAsync(repository, tag, ct).ConfigureAwait(false) ?? before;
        var previous = before?.Manifest.Digest;
        if (previous == root.Digest) return new CommitResult(root.Digest, previous, Unchanged: true) { Tag = TagName };
        RefuseToMoveImmutable(before, root.Digest);
        var forced = _immutable && previous is not null;

        var condition = before?.ETag is { } etag ? WriteCondition.IfMatch(etag) : WriteCondition.IfAbsent;
        try
        {
            await bucket.WriteTagAsync(repository, tag, root, condition, ct).ConfigureAwait(false);
        }
        catch (PreconditionFailedException)
        {
            throw new S3loException($"{TagName} in {bucket.Name} was changed by another push while this one ran; it was not overwritten",
                "check what the tag holds now ('s3lo inspect') and push again if yours should win");
        }
        var entry = new HistoryEntry { PushedAt = clock.GetUtcNow(), Digest = root.Digest.ToString(), SizeBytes = _imageBytes, Forced = forced,
            Command = provenance?.Command, Source = provenance?.Source };
        await bucket.AppendHistoryAsync(repository, tag, entry, ct).ConfigureAwait(false);
        return new CommitResult(root.Digest, previous, Unchanged: false) { Forced = forced, Tag = TagName };
    }

    public async Task<IReadOnlyList<Descriptor>> FindMissingAfterCommitAsync(IReadOnlyList<Descriptor> blobs, Action<string> waiting, CancellationToken ct)
    {
        await new RunningCleans(bucket, clock).WaitAsync(() => waiting($"waiting for a clean of {bucket.Name} to finish"), ct).ConfigureAwait(false);
        var missing = new System.Collections.Concurrent.ConcurrentBag<Descriptor>();
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = HeadParallelism, CancellationToken = ct }, async (blob, token) =>
        {
            if (!await HasBlobAsync(blob, token).ConfigureAwait(false)) missing.Add(blob);
        }).ConfigureAwait(false);
        return [.. blobs.Where(missing.Contains)];
    }

    public Task WriteSignatureAsync(StoredSignature signature, CancellationToken ct) =>
        TagSignatures.WriteRawAsync(bucket, repository, tag, signature.KeyId, signature.Bytes, ct);

    private string TagName => $"{repository}:{tag}";

    /// <summary>An immutable tag that holds another image stays where it is, unless --force.</summary>
    private void RefuseToMoveImmutable(TagRecord? current, Digest root)
    {
        if (!_immutable || force || current is null || current.Manifest.Digest == root) return;
        throw new S3loException($"{TagName} in {bucket.Name} is immutable and holds {current.Manifest.Digest}; it was not moved",
            "push a new tag, or add --force to move it anyway");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
