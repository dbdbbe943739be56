using S3lo.Core.Config;
using S3lo.Core.Time;

namespace S3lo.Core.Cleaning;

/// <summary>
/// The lifecycle rules applied to the tags of one image (docs/config.md): a tag goes when it is beyond
/// keep_last or older than max_age, unless keep_tags matches it, the image is immutable, or it holds a
/// digest in use. Pure: the same tags, rules and time always give the same decisions.
/// </summary>
public static class TagPruning
{
    /// <summary>
    /// Decisions in rank order, newest first. Tags are ranked by push time; equal times rank the greater
    /// tag name (ordinal) as newer, so "v2" outranks "v1" and a rerun never flips a tie. Every tag takes
    /// a rank, protected ones included: keep_last 3 with "latest" among the newest keeps two more.
    /// </summary>
    public static IReadOnlyList<TagDecision> Decide(IReadOnlyList<TagFacts> tags, EffectiveRules rules, DateTimeOffset now, IReadOnlySet<string> keepDigests)
    {
        var ranked = tags.OrderByDescending(t => t.PushedAt).ThenByDescending(t => t.Tag, StringComparer.Ordinal).ToList();
        var decisions = new List<TagDecision>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var tag = ranked[i];
            var age = now - tag.PushedAt;
            var violations = new List<string>(2);
            if (rules.KeepLast.Value is { } keepLast && i >= keepLast) violations.Add($"keep_last {keepLast}: {Ordinal(i + 1)} newest");
            if (rules.MaxAge.Value is { } maxAge && age > maxAge) violations.Add($"max_age {DurationText.Format(maxAge)}: pushed {Ago(age)} ago");
            var protection = Protection(tag, rules, keepDigests);
            if (violations.Count == 0)
            {
                var within = rules.KeepLast.Value is null && rules.MaxAge.Value is null
                    ? "no lifecycle rules"
                    : $"{Ordinal(i + 1)} newest, pushed {Ago(age)} ago: within the rules";
                decisions.Add(new TagDecision(tag.Tag, false, within));
            }
            else if (protection is not null)
            {
                decisions.Add(new TagDecision(tag.Tag, false, $"{protection} (else {string.Join("; ", violations)})"));
            }
            else
            {
                decisions.Add(new TagDecision(tag.Tag, true, string.Join("; ", violations)));
            }
        }
        return decisions;
    }

    private static string? Protection(TagFacts tag, EffectiveRules rules, IReadOnlySet<string> keepDigests)
    {
        if (rules.Immutable.Value) return "immutable";
        if (rules.KeepTags.Value.FirstOrDefault(pattern => GlobPattern.Matches(pattern, tag.Tag)) is { } pattern) return $"keep_tags {pattern}";
        if (keepDigests.Contains(tag.Digest)) return $"in use: {tag.Digest}";
        if (tag.PlatformDigests.FirstOrDefault(keepDigests.Contains) is { } platform) return $"in use: platform {platform}";
        return null;
    }

    /// <summary>The largest whole unit: 9d, 5h, 12m, 30s (never negative: a clock ahead of the bucket says 0s).</summary>
    internal static string Ago(TimeSpan age) =>
        age <= TimeSpan.Zero ? "0s"
        : age.TotalDays >= 1 ? $"{(long)age.TotalDays}d"
        : age.TotalHours >= 1 ? $"{(long)age.TotalHours}h"
        : age.TotalMinutes >= 1 ? $"{(long)age.TotalMinutes}m"
        : $"{(long)age.TotalSeconds}s";

    private static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };
}
