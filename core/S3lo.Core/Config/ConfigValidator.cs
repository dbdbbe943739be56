namespace S3lo.Core.Config;

/// <summary>
/// Checks s3lo.yaml against its schema with the line of every mistake, before the typed read: the
/// file comes from a bucket anyone with write access may edit, so nothing in it is trusted.
/// </summary>
internal sealed class ConfigValidator(string source)
{
    public static readonly string[] TopKeys = ["default", "images", "policies"];
    public static readonly string[] EntryKeys = ["immutable", "lifecycle"];
    public static readonly string[] LifecycleKeys = ["keep_last", "max_age", "keep_tags"];
    public static readonly string[] PolicyKeys = ["name", "check", "max_severity", "max_days", "key_ref", "max_bytes"];

    public void Validate(YamlTreeNode root)
    {
        var top = root as YamlTreeMap
            ?? throw Fail(root, $"the file must be a mapping with the keys {string.Join(", ", TopKeys)}");
        CheckKeys(top, "at the top level", TopKeys);
        if (Value(top, "default") is { } entry) Entry(entry, "default");
        if (Value(top, "images") is { } images) Images(images);
        if (Value(top, "policies") is { } policies) Policies(policies);
    }

    private void Images(YamlTreeNode node)
    {
        var images = node as YamlTreeMap
            ?? throw Fail(node, "images must be a mapping of image names or globs to rules, like {myapp: {immutable: true}}");
        foreach (var (key, value) in images.Pairs.Select(p => (p.Key, p.Value)))
        {
            if (!ConfigValues.IsPattern(key.Value))
                throw Fail(key, $"'{Clip(key.Value)}' under images is not {ConfigValues.PatternForm}");
            if (!IsNull(value)) Entry(value, $"'{Clip(key.Value)}'");
        }
    }

    private void Entry(YamlTreeNode node, string where)
    {
        var entry = node as YamlTreeMap
            ?? throw Fail(node, $"{where} must be a mapping with the keys {string.Join(", ", EntryKeys)}");
        CheckKeys(entry, $"under {where}", EntryKeys);
        if (Value(entry, "immutable") is { } immutable && !ConfigValues.TryImmutable(Text(immutable, "immutable", ConfigValues.ImmutableForm), out _))
            throw Bad(immutable, "immutable", ConfigValues.ImmutableForm);
        if (Value(entry, "lifecycle") is { } lifecycle) Lifecycle(lifecycle);
    }

    private void Lifecycle(YamlTreeNode node)
    {
        var lifecycle = node as YamlTreeMap
            ?? throw Fail(node, $"lifecycle must be a mapping with the keys {string.Join(", ", LifecycleKeys)}");
        CheckKeys(lifecycle, "under lifecycle", LifecycleKeys);
        if (Value(lifecycle, "keep_last") is { } keepLast && !ConfigValues.TryKeepLast(Text(keepLast, "keep_last", ConfigValues.KeepLastForm), out _))
            throw Bad(keepLast, "keep_last", ConfigValues.KeepLastForm);
        if (Value(lifecycle, "max_age") is { } maxAge && !ConfigValues.TryMaxAge(Text(maxAge, "max_age", ConfigValues.MaxAgeForm), out _))
            throw Bad(maxAge, "max_age", ConfigValues.MaxAgeForm);
        if (Value(lifecycle, "keep_tags") is { } keepTags)
        {
            var list = keepTags as YamlTreeSeq
                ?? throw Fail(keepTags, "keep_tags must be a list of tag names or globs, like [latest, stable, v*]");
            foreach (var item in list.Items)
            {
                if (item is not YamlTreeScalar tag || !ConfigValues.IsKeepTag(tag.Value))
                    throw Fail(item, $"each keep_tags entry must be {ConfigValues.KeepTagForm}, not {Shown(item)}");
            }
        }
    }

    private void Policies(YamlTreeNode node)
    {
        var policies = node as YamlTreeSeq
            ?? throw Fail(node, "policies must be a list, like [{name: fresh, check: age, max_days: 90}]");
        var names = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in policies.Items)
        {
            var policy = item as YamlTreeMap
                ?? throw Fail(item, "each policy must be a mapping, like {name: fresh, check: age, max_days: 90}");
            var name = Value(policy, "name") is { } nameNode ? Text(nameNode, "name", "a name") : "";
            if (name.Length == 0) throw Fail(policy, "each policy needs a name, like {name: fresh, check: age, max_days: 90}");
            if (names.TryGetValue(name, out var firstLine))
                throw Fail(policy, $"policy name '{Clip(name)}' is used twice (first on line {firstLine})");
            names[name] = policy.Start.Line;
            var where = $"policy '{Clip(name)}'";
            CheckKeys(policy, $"under {where}", PolicyKeys);
            var checkNode = Value(policy, "check")
                ?? throw Fail(policy, $"{where} needs a check: one of {string.Join(", ", ConfigValues.Checks)}");
            var checkText = Text(checkNode, "check", "one of " + string.Join(", ", ConfigValues.Checks));
            if (!ConfigValues.TryCheck(checkText, out var check))
                throw Bad(checkNode, "check", "one of " + string.Join(", ", ConfigValues.Checks));
            Policy(policy, where, check);
        }
    }

    private void Policy(YamlTreeMap policy, string where, PolicyCheck check)
    {
        var field = ConfigValues.FieldOf(check);
        var checkName = ConfigValues.NameOf(check);
        foreach (var pair in policy.Pairs)
        {
            if (pair.Key.Value is not ("name" or "check") && pair.Key.Value != field)
                throw Fail(pair.Key, $"{pair.Key.Value} does not apply to check {checkName}; {where} takes name, check and {field}");
        }
        var node = Value(policy, field) ?? throw Fail(policy, $"{where} (check {checkName}) needs {field}");
        switch (check)
        {
            case PolicyCheck.Scan:
                var form = "one of " + string.Join(", ", ConfigValues.Severities);
                if (!ConfigValues.TrySeverity(Text(node, field, form), out _)) throw Bad(node, field, form);
                break;
            case PolicyCheck.Age:
                if (!ConfigValues.TryMaxDays(Text(node, field, ConfigValues.MaxDaysForm), out _)) throw Bad(node, field, ConfigValues.MaxDaysForm);
                break;
            case PolicyCheck.Signed:
                if (Text(node, field, "a key file or awskms:// reference").Length == 0)
                    throw Bad(node, field, "a key file or awskms:// reference");
                break;
            case PolicyCheck.Size:
                if (!ConfigValues.TryMaxBytes(Text(node, field, ConfigValues.MaxBytesForm), out _)) throw Bad(node, field, ConfigValues.MaxBytesForm);
                break;
        }
    }

    private void CheckKeys(YamlTreeMap map, string where, string[] valid)
    {
        foreach (var pair in map.Pairs)
        {
            if (Array.IndexOf(valid, pair.Key.Value) < 0)
                throw Fail(pair.Key, $"unknown key '{Clip(pair.Key.Value)}' {where}; valid keys: {string.Join(", ", valid)}");
        }
    }

    /// <summary>The value under <paramref name="key"/>, or null when the key is absent or left empty.</summary>
    private static YamlTreeNode? Value(YamlTreeMap map, string key) =>
        map.Find(key)?.Value is { } value && !IsNull(value) ? value : null;

    private string Text(YamlTreeNode node, string key, string form) =>
        node is YamlTreeScalar scalar ? scalar.Value : throw Bad(node, key, form);

    private static bool IsNull(YamlTreeNode node) => node is YamlTreeScalar { IsNull: true };

    private ConfigException Bad(YamlTreeNode node, string key, string form) =>
        Fail(node, $"{key} must be {form}, not {Shown(node)}");

    private static string Shown(YamlTreeNode node) => node switch
    {
        YamlTreeScalar scalar => $"'{Clip(scalar.Value)}'",
        YamlTreeSeq => "a list",
        _ => "a mapping",
    };

    // Text from the file goes into one error line: a hostile megabyte-long key must not.
    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "...";

    private ConfigException Fail(YamlTreeNode node, string message) =>
        new($"{source} line {node.Start.Line}: {message}");
}
