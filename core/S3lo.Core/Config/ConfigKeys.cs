using S3lo.Core.Errors;
using S3lo.Core.Time;

namespace S3lo.Core.Config;

/// <summary>The keys <c>config set/get/remove</c> take, their values as typed, and their text for <c>config get</c>.</summary>
public static class ConfigKeys
{
    private static readonly (ConfigKey Key, string Name, string Form)[] Table =
    [
        (ConfigKey.Immutable, "immutable", ConfigValues.ImmutableForm),
        (ConfigKey.KeepLast, "lifecycle.keep_last", ConfigValues.KeepLastForm),
        (ConfigKey.MaxAge, "lifecycle.max_age", ConfigValues.MaxAgeForm),
        (ConfigKey.KeepTags, "lifecycle.keep_tags", "a comma list of tag names or globs, like latest,stable,v*"),
    ];

    /// <summary>Every key as the command line spells it, in the order <c>config get</c> shows them.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(row => row.Name).ToArray();

    public static string NameOf(ConfigKey key) => Row(key).Name;

    /// <exception cref="UsageException">Not a key; the message lists the valid ones.</exception>
    public static ConfigKey ParseKey(string name)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, name, StringComparison.Ordinal)) return row.Key;
        }
        throw new UsageException($"unknown config key '{name}'; valid keys: {string.Join(", ", Names)}");
    }

    /// <summary><c>lifecycle.keep_last=5</c> → the key and a rules value that sets only it.</summary>
    /// <exception cref="UsageException">No '=', an unknown key, or a value not of the key's form (named in the message).</exception>
    public static ConfigAssignment ParseAssignment(string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0)
            throw new UsageException($"'{text}' is not KEY=VALUE; valid keys: {string.Join(", ", Names)}",
                "for example: s3lo config set s3://bucket/myapp lifecycle.keep_last=5");
        var key = ParseKey(text[..equals].Trim());
        return new ConfigAssignment(key, ParseValue(key, text[(equals + 1)..].Trim()));
    }

    /// <exception cref="UsageException">The value is not of the key's form.</exception>
    public static ImageRules ParseValue(ConfigKey key, string value)
    {
        switch (key)
        {
            case ConfigKey.Immutable when ConfigValues.TryImmutable(value, out var immutable):
                return new ImageRules { Immutable = immutable };
            case ConfigKey.KeepLast when ConfigValues.TryKeepLast(value, out var keepLast):
                return new ImageRules { KeepLast = keepLast };
            case ConfigKey.MaxAge when ConfigValues.TryMaxAge(value, out var maxAge):
                return new ImageRules { MaxAge = maxAge };
            case ConfigKey.KeepTags:
                var tags = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (tags.Length > 0 && tags.All(ConfigValues.IsKeepTag)) return new ImageRules { KeepTags = tags.Distinct(StringComparer.Ordinal).ToArray() };
                break;
        }
        throw new UsageException($"{NameOf(key)} must be {Row(key).Form}, not '{value}'");
    }

    /// <summary>The value <paramref name="rules"/> gives <paramref name="key"/> as <c>config set</c> takes it, or null when it sets none.</summary>
    public static string? Format(ConfigKey key, ImageRules rules) => key switch
    {
        ConfigKey.Immutable => rules.Immutable is { } immutable ? FormatBool(immutable) : null,
        ConfigKey.KeepLast => rules.KeepLast?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ConfigKey.MaxAge => rules.MaxAge is { } maxAge ? DurationText.Format(maxAge) : null,
        _ => rules.KeepTags is { } tags ? string.Join(',', tags) : null,
    };

    /// <summary>
    /// Each key's effective value and where it comes from, in <see cref="Names"/> order, for <c>config get</c>:
    /// an unset value is the empty string (no lifecycle limit, no kept tags).
    /// </summary>
    public static IReadOnlyList<(string Key, string Value, string Origin)> Describe(EffectiveRules rules) =>
    [
        (NameOf(ConfigKey.Immutable), FormatBool(rules.Immutable.Value), rules.Immutable.Origin),
        (NameOf(ConfigKey.KeepLast), rules.KeepLast.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", rules.KeepLast.Origin),
        (NameOf(ConfigKey.MaxAge), rules.MaxAge.Value is { } maxAge ? DurationText.Format(maxAge) : "", rules.MaxAge.Origin),
        (NameOf(ConfigKey.KeepTags), string.Join(',', rules.KeepTags.Value), rules.KeepTags.Origin),
    ];

    private static string FormatBool(bool value) => value ? "true" : "false";

    private static (ConfigKey Key, string Name, string Form) Row(ConfigKey key) => Table.First(row => row.Key == key);
}
