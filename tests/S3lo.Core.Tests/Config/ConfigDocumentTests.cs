using S3lo.Core.Config;
using S3lo.Core.Errors;

namespace S3lo.Core.Tests.Config;

public sealed class ConfigDocumentTests
{
    private const string Commented = """
        # s3lo bucket configuration
        default:
          immutable: false   # tags may move
          lifecycle:
            keep_last: 10
            max_age: 90d

        # per-image rules
        images:
          myapp: {immutable: true, lifecycle: {keep_last: 5}}
          "dev/*": {lifecycle: {max_age: 7d, keep_last: 3}}   # short-lived
        policies:
          - {name: fresh, check: age, max_days: 90}

        """;

    private static string Set(string text, string? pattern, string assignment) =>
        new ConfigDocument(text).Set(pattern, ConfigKeys.ParseAssignment(assignment));

    private static string Remove(string text, string? pattern, string? key) =>
        new ConfigDocument(text).Remove(pattern, key is null ? null : ConfigKeys.ParseKey(key));

    [Test]
    public void SettingABlockValueReplacesOnlyThatValue()
    {
        Assert.That(Set(Commented, null, "lifecycle.keep_last=20"),
            Is.EqualTo(Commented.Replace("keep_last: 10", "keep_last: 20")));
    }

    [Test]
    public void SettingInsideAFlowEntryRerendersOnlyThatEntry()
    {
        Assert.That(Set(Commented, "dev/*", "lifecycle.keep_last=4"),
            Is.EqualTo(Commented.Replace("{lifecycle: {max_age: 7d, keep_last: 3}}", "{lifecycle: {max_age: 7d, keep_last: 4}}")));
        Assert.That(Set(Commented, "myapp", "lifecycle.max_age=30d"),
            Is.EqualTo(Commented.Replace("{immutable: true, lifecycle: {keep_last: 5}}", "{immutable: true, lifecycle: {keep_last: 5, max_age: 30d}}")));
    }

    [Test]
    public void ANewImageIsOneQuotedFlowLineAfterTheLastEntry()
    {
        Assert.That(Set(Commented, "*-cache", "lifecycle.keep_tags=latest,v*"),
            Is.EqualTo(Commented.Replace("# short-lived\n", "# short-lived\n  \"*-cache\": {lifecycle: {keep_tags: [latest, \"v*\"]}}\n")));
    }

    [Test]
    public void ANewKeyInABlockMappingGoesOnItsOwnLine()
    {
        Assert.That(Set(Commented, null, "lifecycle.keep_tags=latest,stable"),
            Is.EqualTo(Commented.Replace("    max_age: 90d\n", "    max_age: 90d\n    keep_tags: [latest, stable]\n")));
    }

    [Test]
    public void AnEmptyFileGetsACleanNewOne()
    {
        Assert.That(Set("", null, "lifecycle.keep_last=5"), Is.EqualTo("default:\n  lifecycle: {keep_last: 5}\n"));
        Assert.That(Set("", "dev/*", "immutable=true"), Is.EqualTo("images:\n  \"dev/*\": {immutable: true}\n"));
        Assert.That(Set("# rules\n", "myapp", "lifecycle.max_age=12h"), Is.EqualTo("# rules\nimages:\n  myapp: {lifecycle: {max_age: 12h}}\n"));
    }

    [Test]
    public void AMissingSectionIsAddedAtTheEnd()
    {
        const string text = "# v1\ndefault:\n  lifecycle:\n    keep_last: 10\n";

        Assert.That(Set(text, "myapp", "immutable=true"), Is.EqualTo(text + "images:\n  myapp: {immutable: true}\n"));
    }

    [Test]
    public void ABlockKeepTagsListBecomesOneFlowLine()
    {
        const string text = "default:\n  lifecycle:\n    keep_tags:\n      - latest\n      - stable\n    keep_last: 3\n";

        Assert.That(Set(text, null, "lifecycle.keep_tags=main"),
            Is.EqualTo("default:\n  lifecycle:\n    keep_tags: [main]\n    keep_last: 3\n"));
    }

    [Test]
    public void AFileWithoutAFinalNewlineStillGetsItsNewKeyOnANewLine()
    {
        Assert.That(Set("default:\n  immutable: true", null, "lifecycle.keep_last=2"),
            Is.EqualTo("default:\n  immutable: true\n  lifecycle: {keep_last: 2}\n"));
    }

    [Test]
    public void WindowsLineEndingsAreKept()
    {
        Assert.That(Set("default:\r\n  immutable: true\r\n", null, "lifecycle.keep_last=2"),
            Is.EqualTo("default:\r\n  immutable: true\r\n  lifecycle: {keep_last: 2}\r\n"));
    }

    [Test]
    public void ANewKeyTakesTheIndentationOfItsSiblings()
    {
        const string text = "default:\n    lifecycle:\n        keep_last: 4\n";

        Assert.That(Set(text, null, "lifecycle.max_age=12h"), Is.EqualTo(text + "        max_age: 12h\n"));
        Assert.That(Set(text, null, "immutable=true"), Is.EqualTo(text + "    immutable: true\n"));
    }

    [Test]
    public void AnEmptyEntryIsFilledInOnItsOwnLine()
    {
        Assert.That(Set("default:\nimages:\n  app:\n", "app", "immutable=true"), Is.EqualTo("default:\nimages:\n  app: {immutable: true}\n"));
        Assert.That(Set("default:\nimages:\n  app:\n", null, "lifecycle.keep_last=5"),
            Is.EqualTo("default:\n  lifecycle: {keep_last: 5}\nimages:\n  app:\n"));
    }

    [Test]
    public void RemovingAKeyRemovesItsLineOnly()
    {
        Assert.That(Remove(Commented, null, "lifecycle.max_age"), Is.EqualTo(Commented.Replace("    max_age: 90d\n", "")));
    }

    [Test]
    public void RemovingAWholeEntryRemovesItsLineWithItsComment()
    {
        Assert.That(Remove(Commented, "dev/*", null),
            Is.EqualTo(Commented.Replace("  \"dev/*\": {lifecycle: {max_age: 7d, keep_last: 3}}   # short-lived\n", "")));
    }

    [Test]
    public void RemovingTheLastKeyOfAnEntryRemovesTheEmptyMappings()
    {
        const string text = "images:\n  a: {lifecycle: {keep_last: 1}}\n  b:\n    lifecycle:\n      keep_last: 2\n";

        Assert.That(Remove(text, "a", "lifecycle.keep_last"), Is.EqualTo("images:\n  b:\n    lifecycle:\n      keep_last: 2\n"));
        Assert.That(Remove(text, "b", "lifecycle.keep_last"), Is.EqualTo("images:\n  a: {lifecycle: {keep_last: 1}}\n"));
        Assert.That(Remove("# top\nimages:\n  a: {immutable: true}\n", "a", null), Is.EqualTo("# top\n"));
    }

    [Test]
    public void RemovingWhatIsNotSetLeavesTheTextAlone()
    {
        Assert.That(Remove(Commented, "other", null), Is.SameAs(Commented));
        Assert.That(Remove(Commented, "myapp", "lifecycle.keep_tags"), Is.SameAs(Commented));
        Assert.That(Remove("", null, null), Is.EqualTo(""));
    }

    // Every edit on every shape of file reads back as exactly the config asked for, and leaves the
    // comments, the other entries and the policies where they were.
    private static readonly string[] Files =
    [
        "",
        "# only a comment\n",
        Commented,
        "default: {immutable: true, lifecycle: {keep_tags: [latest]}}\nimages: {app: {lifecycle: {keep_last: 2}}}\n",
        "{default: {lifecycle: {keep_last: 4}}}\n",
        "default:\nimages:\n  app:\n",
        "default:\n    lifecycle:\n        keep_last: 4\nimages:\n    app:\n        immutable: true\n",
    ];

    private static readonly string?[] Patterns = [null, "myapp", "dev/*", "app", "new/one", "*-cache"];

    private static readonly string[] Assignments =
        ["immutable=true", "lifecycle.keep_last=7", "lifecycle.max_age=1m30s", "lifecycle.keep_tags=latest,v1.*,*-rc"];

    [Test]
    public void EverySetRoundTrips()
    {
        foreach (var file in Files)
        foreach (var pattern in Patterns)
        foreach (var text in Assignments)
        {
            var assignment = ConfigKeys.ParseAssignment(text);
            var before = BucketConfigParser.Parse(file, "s3lo.yaml");
            var after = BucketConfigParser.Parse(new ConfigDocument(file).Set(pattern, assignment), "s3lo.yaml");

            var entry = pattern is null ? after.Default : after.Find(pattern);
            var context = $"{text} on {pattern ?? "default"} in:\n{file}";
            Assert.That(entry, Is.Not.Null, context);
            Assert.That(ConfigKeys.Format(assignment.Key, entry!), Is.EqualTo(ConfigKeys.Format(assignment.Key, assignment.Value)), context);
            Assert.That(Others(after, pattern), Is.EqualTo(Others(before, pattern)), context);
        }
    }

    [Test]
    public void EveryRemoveRoundTrips()
    {
        foreach (var file in Files)
        foreach (var pattern in Patterns)
        foreach (var key in new ConfigKey?[] { null, ConfigKey.Immutable, ConfigKey.KeepLast, ConfigKey.MaxAge, ConfigKey.KeepTags })
        {
            var before = BucketConfigParser.Parse(file, "s3lo.yaml");
            var after = BucketConfigParser.Parse(new ConfigDocument(file).Remove(pattern, key), "s3lo.yaml");

            var entry = pattern is null ? after.Default : after.Find(pattern);
            var context = $"remove {key?.ToString() ?? "entry"} on {pattern ?? "default"} in:\n{file}";
            if (key is { } removed && entry is not null) Assert.That(ConfigKeys.Format(removed, entry), Is.Null, context);
            if (key is null && pattern is not null) Assert.That(entry, Is.Null, context);
            Assert.That(Others(after, pattern), Is.EqualTo(Others(before, pattern)), context);
        }
    }

    [Test]
    public void CommentsSurviveEveryEditOfTheCommentedFile()
    {
        foreach (var pattern in Patterns)
        foreach (var text in Assignments)
        {
            var edited = new ConfigDocument(Commented).Set(pattern, ConfigKeys.ParseAssignment(text));
            foreach (var comment in new[] { "# s3lo bucket configuration", "# tags may move", "# per-image rules", "- {name: fresh, check: age, max_days: 90}" })
                Assert.That(edited, Does.Contain(comment), $"{text} on {pattern}");
        }
    }

    [Test]
    public void AnInvalidFileIsNotEditedButNamed()
    {
        var error = Assert.Throws<ConfigException>(() => new ConfigDocument("default:\n  keep_last: 3\n"))!;
        Assert.That(error.Message, Is.EqualTo("s3lo.yaml line 2: unknown key 'keep_last' under default; valid keys: immutable, lifecycle"));
    }

    [Test]
    public void ABadPatternIsAUsageError()
    {
        var error = Assert.Throws<UsageException>(() => Set("", "Dev/*", "immutable=true"))!;
        Assert.That(error.Message, Does.StartWith("'Dev/*' is not an image name or glob"));
    }

    /// <summary>Everything but the edited entry, as canonical text.</summary>
    private static string Others(BucketConfig config, string? pattern) =>
        ConfigWriter.Render(new BucketConfig(
            pattern is null ? ImageRules.None : config.Default,
            config.Images.Where(e => e.Pattern != pattern).ToList(),
            config.Policies));
}
