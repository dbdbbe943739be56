using S3lo.Core.Bucket;
using S3lo.Core.Digests;
using S3lo.Core.History;

namespace S3lo.Core.Inspection;

/// <summary>Adds to <see cref="ImageDetails"/> when and how a tag's current image was pushed, from its history.</summary>
public static class PushRecord
{
    public static async Task<ImageDetails> AddAsync(ImageDetails details, ImageBucket bucket, string repository, string tag, CancellationToken ct)
    {
        var history = await bucket.ReadHistoryAsync(repository, tag, ct).ConfigureAwait(false);
        if (BucketHistory.CurrentEntry(history, Digest.Parse(details.Digest)) is not { } entry) return details;
        return details with { PushedAt = entry.PushedAt.ToUniversalTime(), PushedBy = entry.Command, Source = entry.Source };
    }
}
