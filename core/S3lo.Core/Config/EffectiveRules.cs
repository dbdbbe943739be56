namespace S3lo.Core.Config;

/// <summary>One resolved setting and the entry it came from, as <c>config get</c> shows it.</summary>
/// <param name="Origin"><c>[image]</c>, <c>[glob dev/*]</c>, <c>[default]</c>, or <c>[built-in]</c> when no entry sets it.</param>
public sealed record Setting<T>(T Value, string Origin);

/// <summary>
/// The rules that apply to one image after resolution (exact image entry, then the most specific
/// matching glob, then the bucket default, then the built-in value: no lifecycle, mutable tags).
/// </summary>
public sealed record EffectiveRules(
    Setting<bool> Immutable,
    Setting<int?> KeepLast,
    Setting<TimeSpan?> MaxAge,
    Setting<IReadOnlyList<string>> KeepTags)
{
    public static readonly EffectiveRules BuiltIn = new(
        new Setting<bool>(false, "[built-in]"),
        new Setting<int?>(null, "[built-in]"),
        new Setting<TimeSpan?>(null, "[built-in]"),
        new Setting<IReadOnlyList<string>>([], "[built-in]"));

    /// <summary>True when <paramref name="tag"/> matches a keep_tags name or glob (<c>*</c> any run, <c>?</c> one character).</summary>
    public bool KeepsTag(string tag) => KeepTags.Value.Any(pattern => GlobPattern.Matches(pattern, tag));
}
