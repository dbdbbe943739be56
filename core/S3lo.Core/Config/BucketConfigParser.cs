using S3lo.Core.Time;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace S3lo.Core.Config;

/// <summary>Reads s3lo.yaml (flow or block style) into a validated <see cref="BucketConfig"/>.</summary>
public static class BucketConfigParser
{
    /// <summary>The file is read from a bucket anyone with write access may fill; a real one is a few hundred bytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly IDeserializer Deserializer = new StaticDeserializerBuilder(new ConfigYamlContext())
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="source"/> names it in messages (<c>s3lo.yaml</c>).
    /// An empty file, or one with only comments, is <see cref="BucketConfig.Empty"/>.
    /// </summary>
    /// <exception cref="ConfigException">Not YAML, an unknown key or a bad value: the message names the line and the valid choices.</exception>
    public static BucketConfig Parse(string text, string source)
    {
        CheckSize(text.Length, source);
        if (YamlTree.Load(text, source) is not { } root) return BucketConfig.Empty;
        new ConfigValidator(source).Validate(root);

        ConfigFileModel model;
        try
        {
            model = Deserializer.Deserialize<ConfigFileModel?>(text) ?? new ConfigFileModel();
        }
        catch (YamlException e)
        {
            // The validator accepts only what the model holds; this is the last guard, not a path users take.
            throw new ConfigException($"{source} line {e.Start.Line}: {e.Message}");
        }
        return new BucketConfig(
            ToRules(model.Default),
            (model.Images ?? []).Select(image => new ImageEntry(image.Key, ToRules(image.Value))).ToList(),
            (model.Policies ?? []).Select(ToPolicy).ToList());
    }

    internal static void CheckSize(long length, string source)
    {
        if (length > MaxBytes)
            throw new ConfigException($"{source} is {length} bytes; s3lo reads a config of at most 1 MiB",
                "a config holds rules, not data: remove what does not belong in it");
    }

    private static ImageRules ToRules(EntryModel? entry)
    {
        if (entry is null) return ImageRules.None;
        var lifecycle = entry.Lifecycle;
        return new ImageRules
        {
            Immutable = entry.Immutable is { } immutable && ConfigValues.TryImmutable(immutable, out var i) ? i : null,
            KeepLast = lifecycle?.KeepLast is { } keepLast && ConfigValues.TryKeepLast(keepLast, out var k) ? k : null,
            MaxAge = lifecycle?.MaxAge is { } maxAge && DurationText.TryParse(maxAge, out var m) ? m : null,
            KeepTags = lifecycle?.KeepTags?.ToArray(),
        };
    }

    private static PolicyRule ToPolicy(PolicyModel policy)
    {
        ConfigValues.TryCheck(policy.Check ?? "", out var check);
        return new PolicyRule(policy.Name ?? "", check)
        {
            MaxSeverity = policy.MaxSeverity is { } s && ConfigValues.TrySeverity(s, out var severity) ? severity : null,
            MaxDays = policy.MaxDays is { } d && ConfigValues.TryMaxDays(d, out var days) ? days : null,
            KeyRef = policy.KeyRef,
            MaxBytes = policy.MaxBytes is { } b && ConfigValues.TryMaxBytes(b, out var bytes) ? bytes : null,
        };
    }
}
