using S3lo.Core.Digests;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.TempFiles;

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
        await using var encoder = new LayerEncoder(destination, PrivateTemp.DirectoryPath(
            (destination as IFileBlobDestination)?.StagingDirectory ?? Path.GetTempPath(), "encode"), options.Observer);
        (source as ILayerTarSource)?.EncodeLayersWith(encoder);
        var root = await ResolveRootAsync(source, destination, encoder, options, counters, uploadedEarly, ct).ConfigureAwait(false);
        var selection = await new PlatformSelector(source, options).SelectAsync(root, ct).ConfigureAwait(false);
        if (options.CheckSourceFirst) await CheckSourceAsync(source, CollectBlobs(selection.Images), options, ct).ConfigureAwait(false);
        await using var delivery = await LayerDelivery.PlanAsync(source, destination, selection, ct).ConfigureAwait(false);
        var blobs = CollectBlobs(delivery.Images);
        await destination.PrepareAsync(new TransferPlan(delivery.Root, delivery.Images, blobs.Select(b => b.Descriptor).ToList())
            { Observer = options.Observer }, ct).ConfigureAwait(false);

        await Parallel.ForEachAsync(blobs, Parallelism(options, ct), async (blob, token) =>
        {
            if (uploadedEarly.ContainsKey(blob.Descriptor.Digest)) return;
            if (await destination.HasBlobAsync(blob.Descriptor, token).ConfigureAwait(false))
            {
                counters.Skipped(blob.Descriptor.Size);
                options.Observer.BlobSkipped(blob.Descriptor);
                return;
            }
            await CopyBlobAsync(source, destination, blob, encoder, delivery, options, token).ConfigureAwait(false);
            counters.Copied(blob.Descriptor.Size);
        }).ConfigureAwait(false);

        foreach (var manifest in selection.ChildManifests)
            await destination.PutManifestAsync(manifest, ct).ConfigureAwait(false);
        var commit = await destination.CommitAsync(delivery.Root, ct).ConfigureAwait(false);
        if (commit.Forced)
            options.Observer.Message($"forced: {commit.Tag ?? destination.Name} moved from {commit.PreviousDigest} to {commit.Digest} (immutable)");
        var repaired = 0;
        // A commit that changed nothing proved nothing about the layers, and moved nothing a clean could race.
        if (!commit.Unchanged)
        {
            if (destination is ICommitRecheck recheck)
                repaired = await BlobRepair.RunAsync(recheck, commit, selection.ChildManifests, blobs.Select(b => (b.Descriptor, b.Role)).ToList(),
                    (blob, role, token) => CopyBlobAsync(source, destination, new PlannedBlob(blob, role), encoder, delivery, options, token),
                    destination, options.Observer, ct).ConfigureAwait(false);
            await LayerLearning.RecordAsync(source, destination, encoder, delivery, options.Observer, ct).ConfigureAwait(false);
        }
        // After the commit: a signature is beside a tag that holds what it covers, never ahead of it.
        var signatures = await SignatureCarry.RunAsync(source, destination, commit.Digest, options.Observer, ct).ConfigureAwait(false);

        return new TransferReport(selection.Root.Digest, selection.Root.MediaType, selection.PlatformNames,
            counters.BlobsCopied, counters.BytesCopied, counters.BlobsSkipped, counters.BytesSkipped, commit, repaired, signatures);
    }

    /// <summary>
    /// Gets the root; meanwhile layers an image-building source has encoded already go up (when the
    /// destination takes blobs before its plan), so uploading overlaps with the source's own slow work.
    /// </summary>
    private static async Task<ManifestBlob> ResolveRootAsync(IImageSource source, IImageDestination destination, LayerEncoder encoder, TransferOptions options,
        Counters counters, System.Collections.Concurrent.ConcurrentDictionary<string, bool> uploadedEarly, CancellationToken ct)
    {
        if (source is not ILayerTarSource || !destination.TakesBlobsBeforePlan)
        {
            try
            {
                return await source.GetRootAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                encoder.SourceFinished();
            }
        }
        // The source is stopped when an early upload fails; the uploads themselves run on the caller's
        // token, so their failure surfaces as itself, not as a cancellation.
        using var stopSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var uploads = Parallel.ForEachAsync(encoder.ReadyBlobs.ReadAllAsync(ct), Parallelism(options, ct), async (descriptor, token) =>
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
                await CopyBlobAsync(source, destination, new PlannedBlob(descriptor, "layer"), encoder, null, options, token).ConfigureAwait(false);
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
            encoder.SourceFinished();
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
        encoder.SourceFinished();
        await uploads.ConfigureAwait(false);
        return root;
    }

    private static async Task CopyBlobAsync(IImageSource source, IImageDestination destination, PlannedBlob blob, LayerEncoder encoder,
        LayerDelivery? delivery, TransferOptions options, CancellationToken ct)
    {
        var descriptor = blob.Descriptor;
        var observer = options.Observer;
        observer.BlobStarted(descriptor);
        observer.BlobPhase(descriptor, options.MovePhase);
        // An encoded file moved into the destination is gone: a blob copied again after a commit comes from the source.
        if (encoder.FileFor(descriptor.Digest) is { } encoded && File.Exists(encoded))
        {
            // Encoded here and hashed as it was written; moving onto the same file system is no second pass.
            if (destination is IFileBlobDestination sink && await sink.TryMoveInAsync(descriptor, encoded, ct).ConfigureAwait(false))
            {
                observer.BlobProgress(descriptor, descriptor.Size);
                observer.BlobCompleted(descriptor);
                return;
            }
            await PutAsync(destination, descriptor, OpenFile(encoded), blob.Role, observer, ct).ConfigureAwait(false);
            return;
        }
        if (delivery is not null && delivery.TryGetDecoded(descriptor.Digest, out var decoded))
        {
            await PutAsync(destination, descriptor, await OpenDecodedAsync(source, decoded, blob.Role, ct).ConfigureAwait(false), blob.Role, observer, ct)
                .ConfigureAwait(false);
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
        await PutAsync(destination, descriptor, await OpenSourceBlobAsync(source, descriptor, blob.Role, ct).ConfigureAwait(false), blob.Role, observer, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Streams a blob into the destination, verifying size and digest on the way.</summary>
    private static async Task PutAsync(IImageDestination destination, Descriptor descriptor, Stream opened, string role, ITransferObserver observer, CancellationToken ct)
    {
        await using var verified = new VerifyingReadStream(opened, Digest.Parse(descriptor.Digest), descriptor.Size, $"{role} {descriptor.Digest}");
        await using var counted = new ProgressReadStream(verified, n =>
        {
            observer.BlobProgress(descriptor, n);
            // The digest is checked as the last byte is read; the destination then stores the blob.
            if (n == descriptor.Size) observer.BlobPhase(descriptor, TransferPhase.Verifying);
        });
        await destination.PutBlobAsync(descriptor, counted, ct).ConfigureAwait(false);
        observer.BlobCompleted(descriptor);
    }

    private static async Task<Stream> OpenSourceBlobAsync(IImageSource source, Descriptor descriptor, string role, CancellationToken ct)
    {
        try
        {
            return await source.OpenBlobAsync(descriptor, ct).ConfigureAwait(false);
        }
        catch (NotFoundException e)
        {
            throw new NotFoundException($"{role} {descriptor.Digest} is missing from {source.Name}", e.Hint);
        }
    }

    /// <summary>A stored layer as its plain tar: the stored bytes are verified under the decoder, the tar over it (by <see cref="PutAsync"/>).</summary>
    private static async Task<Stream> OpenDecodedAsync(IImageSource source, DecodedLayer decoded, string role, CancellationToken ct)
    {
        if (decoded.File is { } file) return OpenFile(file);
        var stored = await OpenSourceBlobAsync(source, decoded.Original, role, ct).ConfigureAwait(false);
        return new DecodedReadStream(new VerifyingReadStream(stored, Digest.Parse(decoded.Original.Digest), decoded.Original.Size, $"{role} {decoded.Original.Digest}"),
            decoded.Compression);
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);

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
                "the source lost a blob: copy the image into it again from where it came from");
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
