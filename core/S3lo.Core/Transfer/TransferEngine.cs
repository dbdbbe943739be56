using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// The one transfer between any image source and destination: resolve the root, pick platforms,
/// skip blobs the destination has, move the rest in parallel with digests verified while
/// streaming, store child manifests, and commit the root last.
/// </summary>
public sealed class TransferEngine
{
    public async Task<TransferReport> TransferAsync(IImageSource source, IImageDestination destination, TransferOptions options, CancellationToken ct)
    {
        var counters = new Counters();
        var uploadedEarly = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var root = await ResolveRootAsync(source, destination, options, counters, uploadedEarly, ct).ConfigureAwait(false);
        var selection = await new PlatformSelector(source, options).SelectAsync(root, ct).ConfigureAwait(false);
        var blobs = CollectBlobs(selection.Images);
        var plan = new TransferPlan(selection.Root, selection.Images, blobs.Select(b => b.Descriptor).ToList());

        if (options.CheckSourceFirst) await CheckSourceAsync(source, blobs, options, ct).ConfigureAwait(false);
        await destination.PrepareAsync(plan, ct).ConfigureAwait(false);

        await Parallel.ForEachAsync(blobs, Parallelism(options, ct), async (blob, token) =>
        {
            if (uploadedEarly.ContainsKey(blob.Descriptor.Digest)) return;
            if (await destination.HasBlobAsync(blob.Descriptor, token).ConfigureAwait(false))
            {
                counters.Skipped(blob.Descriptor.Size);
                options.Observer.BlobSkipped(blob.Descriptor);
                return;
            }
            await CopyBlobAsync(source, destination, blob, options.Observer, token).ConfigureAwait(false);
            counters.Copied(blob.Descriptor.Size);
        }).ConfigureAwait(false);

        foreach (var manifest in selection.ChildManifests)
            await destination.PutManifestAsync(manifest, ct).ConfigureAwait(false);
        var commit = await destination.CommitAsync(selection.Root, ct).ConfigureAwait(false);


        return new TransferReport(selection.Root.Digest, selection.Root.MediaType, selection.PlatformNames,
            counters.BlobsCopied, counters.BytesCopied, counters.BlobsSkipped, counters.BytesSkipped, commit);
    }

    /// <summary>
    /// Gets the root; meanwhile blobs an early source already has go up (when the destination takes
    /// blobs before its plan), so uploading overlaps with the source's own slow work.
    /// </summary>
    private static async Task<ManifestBlob> ResolveRootAsync(IImageSource source, IImageDestination destination, TransferOptions options,
        Counters counters, System.Collections.Concurrent.ConcurrentDictionary<string, bool> uploadedEarly, CancellationToken ct)
    {
        if (source is not IEarlyBlobSource early || destination is not IEarlyBlobDestination) return await source.GetRootAsync(ct).ConfigureAwait(false);
        // The source is stopped when an early upload fails; the uploads themselves run on the caller's
        // token, so their failure surfaces as itself, not as a cancellation.
        using var stopSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var uploads = Parallel.ForEachAsync(early.ReadyBlobs.ReadAllAsync(ct), Parallelism(options, ct), async (descriptor, token) =>
        {
            if (!uploadedEarly.TryAdd(descriptor.Digest, true)) return;
            try
            {
                if (await destination.HasBlobAsync(descriptor, token).ConfigureAwait(false))
                {
                    counters.Skipped(descriptor.Size);
                    options.Observer.BlobSkipped(descriptor);
                    return;
                }
                await CopyBlobAsync(source, destination, new PlannedBlob(descriptor, "layer"), options.Observer, token).ConfigureAwait(false);
            }
            catch
            {
                await stopSource.CancelAsync().ConfigureAwait(false);
                throw;
            }
            counters.Copied(descriptor.Size);
        });
        ManifestBlob root;
        try
        {
            root = await source.GetRootAsync(stopSource.Token).ConfigureAwait(false);
        }
        catch
        {
            // An upload's failure is what stopped the source: report that one.
            if (stopSource.IsCancellationRequested && !ct.IsCancellationRequested) await uploads.ConfigureAwait(false);
            try
            {
                await uploads.ConfigureAwait(false);
            }
            catch
            {
                // The source's own failure is the one to report; nothing is left running.
            }
            throw;
        }
        await uploads.ConfigureAwait(false);
        return root;
    }

    private static async Task CopyBlobAsync(IImageSource source, IImageDestination destination, PlannedBlob blob, ITransferObserver observer, CancellationToken ct)
    {
        var descriptor = blob.Descriptor;
        observer.BlobStarted(descriptor);
        // A file the source hashed as it wrote it, moving onto the same file system: no second pass.
        if (source is IFileBlobSource files && files.VerifiedFileFor(descriptor) is { } path
            && destination is IFileBlobDestination sink && await sink.TryMoveInAsync(descriptor, path, ct).ConfigureAwait(false))
        {
            observer.BlobProgress(descriptor, descriptor.Size);
            observer.BlobCompleted(descriptor);
            return;
        }
        // Bucket to bucket on one service: the server copies, no byte comes through here. The source
        // blob was verified when it was written; the copy is exact.
        if (source is IStoredBlobSource stored && destination is IStoredBlobDestination target)
        {
            var (store, key) = stored.Locate(descriptor);
            if (await target.TryCopyBlobAsync(descriptor, store, key, ct).ConfigureAwait(false))
            {
                observer.BlobCopiedServerSide(descriptor);
                observer.BlobProgress(descriptor, descriptor.Size);
                observer.BlobCompleted(descriptor);
                return;
            }
        }
        Stream opened;
        try
        {
            opened = await source.OpenBlobAsync(descriptor, ct).ConfigureAwait(false);
        }
        catch (NotFoundException e)
        {
            throw new NotFoundException($"{blob.Role} {descriptor.Digest} is missing from {source.Name}", e.Hint);
        }
        await using var verified = new VerifyingReadStream(opened, Digest.Parse(descriptor.Digest), descriptor.Size, $"{blob.Role} {descriptor.Digest}");
        await using var counted = new ProgressReadStream(verified, n => observer.BlobProgress(descriptor, n));
        await destination.PutBlobAsync(descriptor, counted, ct).ConfigureAwait(false);
        observer.BlobCompleted(descriptor);
    }

    private static async Task CheckSourceAsync(IImageSource source, IReadOnlyList<PlannedBlob> blobs, TransferOptions options, CancellationToken ct)
    {
        var missing = new System.Collections.Concurrent.ConcurrentBag<PlannedBlob>();
        await Parallel.ForEachAsync(blobs, Parallelism(options, ct), async (blob, token) =>
        {
            if (!await source.ContainsBlobAsync(blob.Descriptor, token).ConfigureAwait(false)) missing.Add(blob);
        }).ConfigureAwait(false);
        var first = blobs.FirstOrDefault(missing.Contains);
        if (first is not null)
        {
            var more = missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "";
            throw new NotFoundException($"{first.Role} {first.Descriptor.Digest} is missing from {source.Name}{more}; nothing was written",
                "run 's3lo doctor' on the source, or copy the image again from where it came from");
        }
    }

    /// <summary>Configs and layers of every image, each digest once, in image order (config first).</summary>
    private static List<PlannedBlob> CollectBlobs(IReadOnlyList<PlannedImage> images)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var blobs = new List<PlannedBlob>();
        foreach (var image in images)
        {
            var manifest = image.Manifest.Manifest!;
            var label = image.IsAttestation ? "attestation" : image.Platform?.ToString() ?? "image";
            if (seen.Add(manifest.Config.Digest)) blobs.Add(new PlannedBlob(manifest.Config, $"config of {label}"));
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                var layer = manifest.Layers[i];
                // Foreign layers (Windows base images) live elsewhere by design: never copied.
                if (layer.Urls is { Count: > 0 } && layer.MediaType.Contains("foreign", StringComparison.Ordinal)) continue;
                if (seen.Add(layer.Digest)) blobs.Add(new PlannedBlob(layer, $"layer {i + 1} of {label}"));
            }
        }
        foreach (var blob in blobs) Digest.Parse(blob.Descriptor.Digest);
        return blobs;
    }

    private static ParallelOptions Parallelism(TransferOptions options, CancellationToken ct) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency), CancellationToken = ct };

    private sealed record PlannedBlob(Descriptor Descriptor, string Role);

    private sealed class Counters
    {
        private int _blobsCopied, _blobsSkipped;
        private long _bytesCopied, _bytesSkipped;
        public int BlobsCopied => _blobsCopied;
        public int BlobsSkipped => _blobsSkipped;
        public long BytesCopied => Interlocked.Read(ref _bytesCopied);
        public long BytesSkipped => Interlocked.Read(ref _bytesSkipped);

        public void Copied(long bytes)
        {
            Interlocked.Increment(ref _blobsCopied);
            Interlocked.Add(ref _bytesCopied, bytes);
        }

        public void Skipped(long bytes)
        {
            Interlocked.Increment(ref _blobsSkipped);
            Interlocked.Add(ref _bytesSkipped, bytes);
        }
    }
}
