using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.Storage;

namespace S3lo.Core.Cleaning;

/// <summary>
/// Blob GC over the whole bucket. Safe against pushes that land while it runs, together with the push
/// side (docs/clean.md):
/// <list type="number">
/// <item>clean: walk every remaining tag, list blobs, pick the unreachable ones older than the grace;</item>
/// <item>clean: write its running-clean marker, THEN list the tags again and walk every tag that is new or
/// changed since the first walk, dropping what they reach from the candidates, THEN delete, THEN remove
/// the marker;</item>
/// <item>push: after it commits manifest.json, wait while a live marker exists, then HEAD every blob its
/// image references and upload again any that is missing.</item>
/// </list>
/// A push that commits before the second listing is seen by it; one that commits after it found the
/// marker already written, so it waits for the deletes to end and repairs what they took.
/// </summary>
internal sealed class BlobCollector(ImageBucket bucket, TimeProvider clock, CleanOptions options, Action<string, long, long?> report, Action<string> warn)
{
    private const int DeleteBatch = 1000;

    /// <summary>The blob inventory, and the blobs deleted (or, in a dry run, that would be).</summary>
    public sealed record Result(BlobInventory Inventory, IReadOnlySet<string> Removed);

    /// <param name="listedBlobs">The blob listing, started alongside the tag scan.</param>
    /// <param name="pruned">Tags pruned by this run: their signatures reach nothing any more.</param>
    public async Task<Result> CollectAsync(TagListing listing, Task<BlobInventory> listedBlobs, IReadOnlyList<ScannedTag> remaining,
        IReadOnlyList<ScannedTag> pruned, DateTimeOffset now, ConcurrentQueue<CleanItem> items, CancellationToken ct)
    {
        var reach = new Reachability(bucket, warn);
        var prunedNames = pruned.Select(t => (t.Repository, t.Tag)).ToHashSet();
        var signatures = listing.Signatures.Keys.Where(key => !prunedNames.Contains(TagListing.SignatureOwner(key)));
        await AddRootsAsync(reach, remaining, signatures, options.KeepDigests, ct).ConfigureAwait(false);

        var inventory = await listedBlobs.ConfigureAwait(false);
        var cutoff = now - options.Grace;
        var unreachable = inventory.All.Where(b => !reach.Reaches(b.Hex) && b.LastModified <= cutoff).ToList();
        var candidates = await BlobClassifier.ClassifyAsync(bucket, unreachable, Labels(pruned), options.Parallelism,
            n => report("classifying", n, unreachable.Count), ct).ConfigureAwait(false);

        if (!options.Confirm)
        {
            foreach (var candidate in candidates) items.Enqueue(Item(candidate, now));
            return new Result(inventory, candidates.Select(c => c.Hex).ToHashSet(StringComparer.Ordinal));
        }
        if (candidates.Count == 0) return new Result(inventory, new HashSet<string>());

        await using var lease = await MarkerLease.AcquireAsync(bucket.Store, clock, warn, ct).ConfigureAwait(false);
        await RecheckAsync(reach, listing, ct).ConfigureAwait(false);
        var doomed = candidates.Where(c => !reach.Reaches(c.Hex)).ToList();
        var removed = await DeleteAsync(doomed, lease, now, items, ct).ConfigureAwait(false);
        return new Result(inventory, removed);
    }

    /// <summary>What the pruned tags' manifests said their digests are: platform manifests, or configs and layers.</summary>
    private static Dictionary<string, CleanCategory> Labels(IReadOnlyList<ScannedTag> pruned)
    {
        var labels = new Dictionary<string, CleanCategory>(StringComparer.Ordinal);
        foreach (var tag in pruned)
        {
            foreach (var child in tag.Root.Children)
                if (Digest.TryParse(child.Digest, out var digest)) labels[digest.Hex] = CleanCategory.Manifests;
            foreach (var blob in tag.Root.Blobs) labels.TryAdd(blob.Hex, CleanCategory.Blobs);
        }
        return labels;
    }

    private async Task AddRootsAsync(Reachability reach, IReadOnlyList<ScannedTag> tags, IEnumerable<string> signatures,
        IEnumerable<string> keepDigests, CancellationToken ct)
    {
        long done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(tags, parallel, async (tag, token) =>
        {
            await reach.AddTagAsync(tag.Root, tag.Name, token).ConfigureAwait(false);
            report("reachability", Interlocked.Increment(ref done), tags.Count);
        }).ConfigureAwait(false);
        await Parallel.ForEachAsync(signatures, parallel, async (key, token) =>
        {
            foreach (var digest in await SignatureTargetsAsync(key, token).ConfigureAwait(false))
                await reach.AddDigestAsync(digest, key, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        // An image in use may be known only by digest (a tag moved on): its blobs stay as well.
        foreach (var text in keepDigests)
            if (Digest.TryParse(text, out var digest)) await reach.AddDigestAsync(digest, "in-use digest " + text, ct).ConfigureAwait(false);
    }

    /// <summary>The digests a signature file names (its "digest": the signed manifest).</summary>
    private async Task<IReadOnlyList<Digest>> SignatureTargetsAsync(string key, CancellationToken ct)
    {
        try
        {
            return ManifestReferences.EveryDigestIn(await bucket.ReadAllAsync(key, ct).ConfigureAwait(false));
        }
        catch (ObjectNotFoundException)
        {
            return [];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw CleanAborted.ReadFailed(bucket.Name, key, e);
        }
    }

    /// <summary>The last reachability check, with the marker live: every tag and signature written since the first walk.</summary>
    private async Task RecheckAsync(Reachability reach, TagListing first, CancellationToken ct)
    {
        report("rechecking", 0, null);
        var again = await TagListing.ListAsync(bucket.Store, ct).ConfigureAwait(false);
        var changed = again.Tags.Where(t => first.IsNewOrChanged(t.Key, t.Value)).ToList();
        var tags = await TagScan.ReadAsync(bucket, changed, _ => false, options.Parallelism,
            n => report("rechecking", n, changed.Count), warn, ct).ConfigureAwait(false);
        await AddRootsAsync(reach, tags, again.Signatures.Values.Where(first.IsNewOrChangedSignature).Select(s => s.Key), [], ct).ConfigureAwait(false);
    }

    private async Task<HashSet<string>> DeleteAsync(List<BlobCandidate> doomed, MarkerLease lease, DateTimeOffset now,
        ConcurrentQueue<CleanItem> items, CancellationToken ct)
    {
        var removed = new HashSet<string>(StringComparer.Ordinal);
        for (var start = 0; start < doomed.Count; start += DeleteBatch)
        {
            var batch = doomed.GetRange(start, Math.Min(DeleteBatch, doomed.Count - start));
            if (!lease.IsFresh)
            {
                // Pushes stop waiting for an expired marker: deleting now could take a blob from under one.
                warn(CleanAborted.MarkerLost(bucket.Name).Message);
                foreach (var candidate in doomed.Skip(start)) items.Enqueue(Item(candidate, now) with { Failure = "not deleted: the running-clean marker could not be kept fresh" });
                break;
            }
            var failures = (await bucket.Store.DeleteManyAsync(batch.Select(c => BucketLayout.BlobsPrefix + c.Hex).ToList(), ct).ConfigureAwait(false))
                .ToDictionary(f => f.Key, f => f.Reason, StringComparer.Ordinal);
            foreach (var candidate in batch)
            {
                var failure = failures.GetValueOrDefault(BucketLayout.BlobsPrefix + candidate.Hex);
                items.Enqueue(Item(candidate, now) with { Failure = failure });
                if (failure is null) removed.Add(candidate.Hex);
            }
            report("deleting", start + batch.Count, doomed.Count);
        }
        return removed;
    }

    private static CleanItem Item(BlobCandidate candidate, DateTimeOffset now) =>
        new(candidate.Category, candidate.Name, candidate.Size,
            $"unreachable, last modified {TagPruning.Ago(now - candidate.LastModified)} ago");
}
