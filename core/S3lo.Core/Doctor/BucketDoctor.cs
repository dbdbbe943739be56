using System.Collections.Concurrent;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.Storage;

namespace S3lo.Core.Doctor;

/// <summary>
/// <c>s3lo doctor</c>: a read-only health check of a bucket (docs/doctor.md). One listing of the tags and
/// one of the blobs, then every tag walked down to its layers against that listing; with --deep every blob
/// is re-hashed first, so the walk can name the images a corrupt blob breaks.
/// </summary>
public sealed class BucketDoctor(ImageBucket bucket, TimeProvider clock)
{
    public async Task<DoctorReport> RunAsync(DoctorOptions options, IProgress<DoctorProgress> progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var store = bucket.Store;
        progress.Report(new DoctorProgress("listing", 0));
        var tagsTask = ListAsync(() => TagListing.ListAsync(store, ct));
        var blobsTask = ListAsync(() => BlobInventory.ListAsync(store, n => progress.Report(new DoctorProgress("listing blobs", n)), ct));
        var configTask = BucketChecks.ConfigAsync(store, ct);
        var uploadsTask = BucketChecks.UploadsAsync(store, now, options.BucketName, ct);
        var markersTask = BucketChecks.StaleMarkersAsync(bucket, now, ct);
        var tags = await tagsTask.ConfigureAwait(false);
        var inventory = await blobsTask.ConfigureAwait(false);

        var findings = new ConcurrentBag<DoctorFinding>();
        long? rehashed = null;
        IReadOnlyDictionary<string, string> corrupt = new Dictionary<string, string>();
        if (options.Deep)
        {
            var (found, bytes) = await BlobRehash.RunAsync(bucket, inventory, options.HashParallelism, progress, ct).ConfigureAwait(false);
            corrupt = found;
            rehashed = bytes;
        }

        var book = new ProblemBook();
        var walk = new ReferenceWalk(bucket, inventory, corrupt, book);
        long done = 0;
        await Parallel.ForEachAsync(tags.Tags, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (entry, token) =>
        {
            var ((repository, tag), info) = entry;
            var history = BucketChecks.HistoryAsync(bucket, repository, tag, store.DisplayName, token);
            if (await ReadTagAsync(repository, tag, info, options.BucketName, findings, token).ConfigureAwait(false) is { } root)
                await walk.WalkTagAsync(root, $"{repository}:{tag}", token).ConfigureAwait(false);
            if (await history.ConfigureAwait(false) is { } problem) findings.Add(problem);
            progress.Report(new DoctorProgress("reading tags", Interlocked.Increment(ref done), tags.Tags.Count));
        }).ConfigureAwait(false);

        if (await configTask.ConfigureAwait(false) is { } config) findings.Add(config);
        if (await uploadsTask.ConfigureAwait(false) is { } uploads) findings.Add(uploads);
        foreach (var marker in await markersTask.ConfigureAwait(false)) findings.Add(marker);

        var orphans = inventory.All.Where(b => !walk.Referenced.ContainsKey(b.Hex))
            .Select(b => new OrphanBlob("sha256:" + b.Hex, b.Size)).OrderBy(b => b.Digest, StringComparer.Ordinal).ToList();
        // A corrupt blob no tag reached was not named by the walk: an error of its own.
        foreach (var (hex, actual) in corrupt.Where(c => !walk.Referenced.ContainsKey(c.Key))) book.Add("hash-mismatch", hex, "blob", actual, null);
        foreach (var finding in book.Findings()) findings.Add(finding);
        if (orphans.Count > 0)
            findings.Add(DoctorFinding.Warning("orphan-blobs", "",
                $"{BucketChecks.Count(orphans.Count, "blob")} ({orphans.Sum(o => o.Size)} bytes) referenced by no tag",
                $"s3lo clean {options.BucketName} --blobs --confirm (it keeps blobs younger than its --grace, 1h by default)"));

        var ordered = findings.OrderBy(f => f.Severity).ThenBy(f => f.Object, StringComparer.Ordinal).ThenBy(f => f.Message, StringComparer.Ordinal).ToList();
        return new DoctorReport(ordered, tags.Tags.Count, inventory.Count, orphans, rehashed);
    }

    /// <summary>manifest.json of a tag, parsed; null when it cannot be (a finding) or went away since the listing.</summary>
    private async Task<ManifestBlob?> ReadTagAsync(string repository, string tag, ObjectInfo info, string bucketName,
        ConcurrentBag<DoctorFinding> findings, CancellationToken ct)
    {
        var key = BucketLayout.ManifestKey(repository, tag);
        byte[] bytes;
        try
        {
            bytes = await SmallObjects.ReadAsync(bucket, key, info.Size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException and not S3loException)
        {
            throw DoctorFailure.ReadFailed(bucket.Name, key, e);
        }
        catch (S3loException e)
        {
            findings.Add(Unparsable(e.Message));
            return null;
        }
        try
        {
            return ManifestBlob.Parse(bytes, key);
        }
        catch (S3loException e)
        {
            findings.Add(Unparsable(e.Message));
            return null;
        }

        DoctorFinding Unparsable(string message) => DoctorFinding.Error("unparsable-manifest", key, message,
            $"push or copy {repository}:{tag} again, or remove the tag: s3lo delete {bucketName}{repository}:{tag}");
    }

    private async Task<T> ListAsync<T>(Func<Task<T>> list)
    {
        try
        {
            return await list().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not S3loException)
        {
            throw new S3loException($"{bucket.Name}: listing failed: {e.Message}", "check the connection and the credentials, then run doctor again", e);
        }
    }
}
