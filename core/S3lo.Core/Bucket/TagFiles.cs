using S3lo.Core.Storage;

namespace S3lo.Core.Bucket;

/// <summary>
/// Every tag's manifest.json as listed (size, last-modified). A whole bucket is listed as 36 prefix
/// listings at once (manifests/0 … manifests/z: repository names start with [a-z0-9]); one repository
/// is one listing of its own prefix, keeping only that exact repository (not org/app/sub under org/app).
/// </summary>
public static class TagFiles
{
    private const string FirstCharacters = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static async Task<List<(string Repository, string Tag, ObjectInfo Manifest)>> ListAsync(IObjectStore store, string? repository, CancellationToken ct)
    {
        // BENCH-ONLY switch (eng/bench/list-stats.sh compares the split with one flat listing).
        string[] prefixes = repository is null
            ? Environment.GetEnvironmentVariable("S3LO_BENCH_FLAT_LISTING") == "1"
                ? [BucketLayout.ManifestsPrefix]
                : [.. FirstCharacters.Select(c => BucketLayout.ManifestsPrefix + c)]
            : [BucketLayout.ManifestsPrefix + repository + "/"];
        var parts = new List<(string, string, ObjectInfo)>[prefixes.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, prefixes.Length), new ParallelOptions { MaxDegreeOfParallelism = prefixes.Length, CancellationToken = ct }, async (i, token) =>
        {
            var found = parts[i] = [];
            await foreach (var info in store.ListAsync(prefixes[i], token).ConfigureAwait(false))
            {
                if (BucketLayout.ParseManifestKey(info.Key) is { } tag && (repository is null || tag.Repository == repository))
                    found.Add((tag.Repository, tag.Tag, info));
            }
        }).ConfigureAwait(false);
        return [.. parts.SelectMany(p => p)];
    }
}
