namespace S3lo.Core.Config;

/// <summary>A bucket's s3lo.yaml, validated: the default rules, the per-image entries in file order, the policies.</summary>
public sealed class BucketConfig
{
    /// <summary>A bucket with no s3lo.yaml (or an empty one): every image gets the built-in rules.</summary>
    public static readonly BucketConfig Empty = new(ImageRules.None, [], []);

    public BucketConfig(ImageRules @default, IReadOnlyList<ImageEntry> images, IReadOnlyList<PolicyRule> policies)
    {
        Default = @default;
        Images = images;
        Policies = policies;
    }

    public ImageRules Default { get; }
    public IReadOnlyList<ImageEntry> Images { get; }
    public IReadOnlyList<PolicyRule> Policies { get; }

    /// <summary>The entry written for exactly <paramref name="pattern"/> (an image name or a glob), or null.</summary>
    public ImageRules? Find(string pattern) =>
        Images.FirstOrDefault(entry => string.Equals(entry.Pattern, pattern, StringComparison.Ordinal))?.Rules;

    /// <summary>
    /// The rules for <paramref name="repository"/>, each key on its own: the exact image entry, then the
    /// matching globs from the most specific (longest literal prefix; then the longer pattern; then
    /// ordinal order, so the answer never depends on file order), then <c>default</c>, then built-in.
    /// </summary>
    public EffectiveRules Resolve(string repository)
    {
        var sources = new List<(ImageRules Rules, string Origin)>();
        if (Images.FirstOrDefault(e => !GlobPattern.IsGlob(e.Pattern) && e.Pattern == repository) is { } exact)
            sources.Add((exact.Rules, "[image]"));
        sources.AddRange(Images
            .Where(e => GlobPattern.IsGlob(e.Pattern) && GlobPattern.Matches(e.Pattern, repository))
            .OrderByDescending(e => GlobPattern.LiteralPrefixLength(e.Pattern))
            .ThenByDescending(e => e.Pattern.Length)
            .ThenBy(e => e.Pattern, StringComparer.Ordinal)
            .Select(e => (e.Rules, $"[glob {e.Pattern}]")));
        sources.Add((Default, "[default]"));

        var builtIn = EffectiveRules.BuiltIn;
        return new EffectiveRules(
            Pick(sources, r => r.Immutable is { } v ? new Setting<bool>(v, "") : null) ?? builtIn.Immutable,
            Pick(sources, r => r.KeepLast is { } v ? new Setting<int?>(v, "") : null) ?? builtIn.KeepLast,
            Pick(sources, r => r.MaxAge is { } v ? new Setting<TimeSpan?>(v, "") : null) ?? builtIn.MaxAge,
            Pick(sources, r => r.KeepTags is { } v ? new Setting<IReadOnlyList<string>>(v, "") : null) ?? builtIn.KeepTags);
    }

    private static Setting<T>? Pick<T>(List<(ImageRules Rules, string Origin)> sources, Func<ImageRules, Setting<T>?> read)
    {
        foreach (var (rules, origin) in sources)
        {
            if (read(rules) is { } setting) return setting with { Origin = origin };
        }
        return null;
    }
}
