using System.Globalization;
using System.Text;
using S3lo.Core.Time;

namespace S3lo.Core.Config;

/// <summary>Writes a whole <see cref="BucketConfig"/> in the compact style docs/config.md shows: one line per entry, block at the top.</summary>
public static class ConfigWriter
{
    public static string Render(BucketConfig config)
    {
        var text = new StringBuilder();
        if (Rules(config.Default) is { Count: > 0 } defaults)
        {
            text.Append("default:\n");
            foreach (var (key, value) in defaults) text.Append("  ").Append(key).Append(": ").Append(value).Append('\n');
        }
        if (config.Images.Count > 0)
        {
            text.Append("images:\n");
            foreach (var image in config.Images)
                text.Append("  ").Append(YamlText.Scalar(image.Pattern)).Append(": ").Append(Flow(Rules(image.Rules))).Append('\n');
        }
        if (config.Policies.Count > 0)
        {
            text.Append("policies:\n");
            foreach (var policy in config.Policies) text.Append("  - ").Append(Flow(Policy(policy))).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The keys an entry sets, as YAML text, in the order docs/config.md writes them.</summary>
    internal static List<(string Key, string Value)> Rules(ImageRules rules)
    {
        var pairs = new List<(string, string)>();
        if (rules.Immutable is { } immutable) pairs.Add(("immutable", immutable ? "true" : "false"));
        if (Lifecycle(rules) is { Count: > 0 } lifecycle) pairs.Add(("lifecycle", Flow(lifecycle)));
        return pairs;
    }

    /// <summary>The YAML text of one setting's value, as it goes after <c>key: </c>.</summary>
    internal static string Value(ConfigKey key, ImageRules rules) => key switch
    {
        ConfigKey.Immutable => rules.Immutable == true ? "true" : "false",
        ConfigKey.KeepLast => rules.KeepLast!.Value.ToString(CultureInfo.InvariantCulture),
        ConfigKey.MaxAge => DurationText.Format(rules.MaxAge!.Value),
        _ => YamlText.FlowList(rules.KeepTags!),
    };

    private static List<(string Key, string Value)> Lifecycle(ImageRules rules)
    {
        var pairs = new List<(string, string)>();
        if (rules.KeepLast is not null) pairs.Add(("keep_last", Value(ConfigKey.KeepLast, rules)));
        if (rules.MaxAge is not null) pairs.Add(("max_age", Value(ConfigKey.MaxAge, rules)));
        if (rules.KeepTags is not null) pairs.Add(("keep_tags", Value(ConfigKey.KeepTags, rules)));
        return pairs;
    }

    private static List<(string Key, string Value)> Policy(PolicyRule policy)
    {
        var pairs = new List<(string, string)> { ("name", YamlText.Scalar(policy.Name)), ("check", ConfigValues.NameOf(policy.Check)) };
        if (policy.MaxSeverity is { } severity) pairs.Add(("max_severity", severity));
        if (policy.MaxDays is { } days) pairs.Add(("max_days", days.ToString(CultureInfo.InvariantCulture)));
        if (policy.KeyRef is { } keyRef) pairs.Add(("key_ref", YamlText.Scalar(keyRef)));
        if (policy.MaxBytes is { } bytes) pairs.Add(("max_bytes", bytes.ToString(CultureInfo.InvariantCulture)));
        return pairs;
    }

    private static string Flow(List<(string Key, string Value)> pairs) =>
        "{" + string.Join(", ", pairs.Select(p => $"{p.Key}: {p.Value}")) + "}";
}
