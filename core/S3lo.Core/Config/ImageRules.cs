namespace S3lo.Core.Config;

/// <summary>
/// The settings one entry of s3lo.yaml gives (the bucket default, an image, or a glob such as <c>dev/*</c>).
/// A null value means the entry does not set it, so resolution falls through to the next entry.
/// </summary>
public sealed record ImageRules
{
    public static readonly ImageRules None = new();

    /// <summary>A tag that holds an image may not be moved to another one (push and copy refuse without --force).</summary>
    public bool? Immutable { get; init; }

    /// <summary>Keep the N most recently pushed tags of an image; older ones may be pruned by clean.</summary>
    public int? KeepLast { get; init; }

    /// <summary>Tags last pushed longer ago than this may be pruned by clean.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Tag names and globs (<c>v*</c>) that clean never prunes.</summary>
    public IReadOnlyList<string>? KeepTags { get; init; }

    /// <summary>These rules with every key <paramref name="other"/> sets taken from it.</summary>
    public ImageRules With(ImageRules other) => new()
    {
        Immutable = other.Immutable ?? Immutable,
        KeepLast = other.KeepLast ?? KeepLast,
        MaxAge = other.MaxAge ?? MaxAge,
        KeepTags = other.KeepTags ?? KeepTags,
    };

    /// <summary>These rules with <paramref name="key"/> unset.</summary>
    public ImageRules Without(ConfigKey key) => key switch
    {
        ConfigKey.Immutable => this with { Immutable = null },
        ConfigKey.KeepLast => this with { KeepLast = null },
        ConfigKey.MaxAge => this with { MaxAge = null },
        _ => this with { KeepTags = null },
    };

    /// <summary>Equal when every key is: keep_tags by its names in order, not by list instance.</summary>
    public bool Equals(ImageRules? other) =>
        other is not null
        && Immutable == other.Immutable
        && KeepLast == other.KeepLast
        && MaxAge == other.MaxAge
        && (KeepTags is null ? other.KeepTags is null : other.KeepTags is not null && KeepTags.SequenceEqual(other.KeepTags, StringComparer.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Immutable, KeepLast, MaxAge, KeepTags?.Count);
}
