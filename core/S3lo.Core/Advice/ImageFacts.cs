using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Inspection;

namespace S3lo.Core.Advice;

/// <summary>Reads what the age and size policies look at (<see cref="PolicySubject"/>) for one tag of a bucket.</summary>
public static class ImageFacts
{
    /// <summary>
    /// Pushed: the newest push of this digest in the tag's history, else when manifest.json was last written.
    /// Size: the config and every layer of every platform, each distinct blob once, as stored.
    /// </summary>
    public static async Task<PolicySubject> ReadAsync(ImageBucket bucket, TagRecord tag, CancellationToken ct)
    {
        var digest = tag.Manifest.Digest.ToString();
        var history = await bucket.ReadHistoryAsync(tag.Repository, tag.Tag, ct).ConfigureAwait(false);
        var pushedAt = history.FirstOrDefault(h => h.Digest == digest)?.PushedAt
            ?? (await bucket.Store.HeadAsync(BucketLayout.ManifestKey(tag.Repository, tag.Tag), ct).ConfigureAwait(false))?.LastModified
            ?? DateTimeOffset.MinValue;
        await using var source = new BucketImageSource(bucket, tag.Repository, tag.Tag, null);
        var details = await ImageInspector.InspectAsync(source, $"{tag.Repository}:{tag.Tag}", ct).ConfigureAwait(false);
        var blobs = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var platform in details.Platforms)
        {
            foreach (var layer in platform.Layers) blobs[layer.Digest] = layer.Size;
            blobs[platform.ConfigDigest] = platform.TotalSize - platform.Layers.Sum(l => l.Size);
        }
        return new PolicySubject(pushedAt, blobs.Values.Sum());
    }
}
