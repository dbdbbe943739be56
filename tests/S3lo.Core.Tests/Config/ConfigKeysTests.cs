using S3lo.Core.Config;
using S3lo.Core.Errors;

namespace S3lo.Core.Tests.Config;

public sealed class ConfigKeysTests
{
    [Test]
    public void ParsesEachKeyToItsTypedValue()
    {
        Assert.That(ConfigKeys.ParseAssignment("immutable=true"), Is.EqualTo(new ConfigAssignment(ConfigKey.Immutable, new ImageRules { Immutable = true })));
        Assert.That(ConfigKeys.ParseAssignment("lifecycle.keep_last=5"), Is.EqualTo(new ConfigAssignment(ConfigKey.KeepLast, new ImageRules { KeepLast = 5 })));
        Assert.That(ConfigKeys.ParseAssignment("lifecycle.max_age=1m30s"), Is.EqualTo(new ConfigAssignment(ConfigKey.MaxAge, new ImageRules { MaxAge = TimeSpan.FromSeconds(90) })));

        var tags = ConfigKeys.ParseAssignment("lifecycle.keep_tags=latest, stable,v*,latest");
        Assert.That(tags.Key, Is.EqualTo(ConfigKey.KeepTags));
        Assert.That(tags.Value.KeepTags, Is.EqualTo(new[] { "latest", "stable", "v*" }));
    }

    [TestCase("keep_last=5", "unknown config key 'keep_last'; valid keys: immutable, lifecycle.keep_last, lifecycle.max_age, lifecycle.keep_tags")]
    [TestCase("lifecycle.keep_last", "'lifecycle.keep_last' is not KEY=VALUE; valid keys: immutable, lifecycle.keep_last, lifecycle.max_age, lifecycle.keep_tags")]
    [TestCase("=5", "'=5' is not KEY=VALUE; valid keys: immutable, lifecycle.keep_last, lifecycle.max_age, lifecycle.keep_tags")]
    [TestCase("lifecycle.keep_last=ten", "lifecycle.keep_last must be a whole number from 1 to 100000, not 'ten'")]
    [TestCase("lifecycle.keep_last=0", "lifecycle.keep_last must be a whole number from 1 to 100000, not '0'")]
    [TestCase("lifecycle.max_age=90", "lifecycle.max_age must be a duration above zero like 90d, 12h, 1m30s or 500ms, not '90'")]
    [TestCase("immutable=yes", "immutable must be true or false, not 'yes'")]
    [TestCase("lifecycle.keep_tags=", "lifecycle.keep_tags must be a comma list of tag names or globs, like latest,stable,v*, not ''")]
    [TestCase("lifecycle.keep_tags=ok,bad tag", "lifecycle.keep_tags must be a comma list of tag names or globs, like latest,stable,v*, not 'ok,bad tag'")]
    public void RefusesWithTheValidKeysOrTheValueForm(string text, string message)
    {
        var error = Assert.Throws<UsageException>(() => ConfigKeys.ParseAssignment(text))!;
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [Test]
    public void TheFirstEqualsSignSplits() =>
        Assert.That(Assert.Throws<UsageException>(() => ConfigKeys.ParseAssignment("immutable=true=false"))!.Message,
            Is.EqualTo("immutable must be true or false, not 'true=false'"));

    [Test]
    public void FormatsValuesAsSetTakesThem()
    {
        var rules = new ImageRules { Immutable = false, KeepLast = 3, MaxAge = TimeSpan.FromHours(36), KeepTags = ["latest", "v*"] };

        Assert.That(ConfigKeys.Format(ConfigKey.Immutable, rules), Is.EqualTo("false"));
        Assert.That(ConfigKeys.Format(ConfigKey.KeepLast, rules), Is.EqualTo("3"));
        Assert.That(ConfigKeys.Format(ConfigKey.MaxAge, rules), Is.EqualTo("1d12h"));
        Assert.That(ConfigKeys.Format(ConfigKey.KeepTags, rules), Is.EqualTo("latest,v*"));
        Assert.That(ConfigKeys.Format(ConfigKey.KeepLast, ImageRules.None), Is.Null);
    }

    [Test]
    public void DescribesEffectiveValuesWithTheirOrigins()
    {
        var config = BucketConfigParser.Parse("default: {lifecycle: {max_age: 90d}}\nimages:\n  \"dev/*\": {lifecycle: {keep_last: 3}}\n", "s3lo.yaml");

        Assert.That(ConfigKeys.Describe(config.Resolve("dev/api")), Is.EqualTo(new[]
        {
            ("immutable", "false", "[built-in]"),
            ("lifecycle.keep_last", "3", "[glob dev/*]"),
            ("lifecycle.max_age", "90d", "[default]"),
            ("lifecycle.keep_tags", "", "[built-in]"),
        }));
    }
}
