using S3lo.Core.Config;
using S3lo.Core.Storage;

namespace S3lo.Core.Advice;

/// <summary>
/// The s3lo half of <c>config recommend</c>: images whose tags only accumulate because no lifecycle rule
/// reaches them (clean never prunes a tag without one).
/// </summary>
public static class RetentionAdvice
{
    /// <summary>More tags than this with no rule is worth a line; fewer is just an image.</summary>
    public const int TagsWorthARule = 10;

    /// <param name="tagCounts">Each image and how many tags it has.</param>
    /// <param name="bucketReference">How the user writes the bucket, e.g. <c>s3://b/</c> (ends with '/').</param>
    public static IReadOnlyList<StorageFinding> ForImages(IReadOnlyDictionary<string, int> tagCounts, Func<string, EffectiveRules> rulesFor,
        string bucketReference)
    {
        var findings = new List<StorageFinding>();
        foreach (var (repository, tags) in tagCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var rules = rulesFor(repository);
            if (rules.KeepLast.Value is not null || rules.MaxAge.Value is not null || tags <= TagsWorthARule) continue;
            findings.Add(new StorageFinding("retention", $"{repository}: {tags} tags and no lifecycle rule",
                $"keep the newest ones and let 's3lo clean' prune the rest: s3lo config set {bucketReference}{repository} lifecycle.keep_last={TagsWorthARule}"));
        }
        if (tagCounts.Count > 0 && findings.Count == 0)
            findings.Add(new StorageFinding("retention", $"every image with more than {TagsWorthARule} tags has a lifecycle rule", null));
        return findings;
    }
}
