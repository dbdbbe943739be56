using S3lo.Core.Config;
using S3lo.Core.Tests.Support;

namespace S3lo.Core.Tests.Config;

public sealed class BucketConfigParserTests
{
    private const string SpecExample = """
        default:
          immutable: false
          lifecycle: {keep_last: 10, max_age: 90d, keep_tags: [latest, stable]}
        images:
          myapp: {immutable: true, lifecycle: {keep_last: 5}}
          "dev/*": {lifecycle: {max_age: 7d, keep_last: 3}}
        policies:
          - {name: no-critical, check: scan, max_severity: HIGH}
          - {name: fresh, check: age, max_days: 90}
          - {name: signed, check: signed, key_ref: cosign.pub}
          - {name: small, check: size, max_bytes: 1073741824}
        """;

    [Test]
    public void ReadsTheSpecExampleInFlowStyle()
    {
        var config = BucketConfigParser.Parse(SpecExample, "s3lo.yaml");

        Assert.That(config.Default, Is.EqualTo(new ImageRules { Immutable = false, KeepLast = 10, MaxAge = TimeSpan.FromDays(90), KeepTags = ["latest", "stable"] }));
        Assert.That(config.Images.Select(i => i.Pattern), Is.EqualTo(new[] { "myapp", "dev/*" }));
        Assert.That(config.Images[0].Rules, Is.EqualTo(new ImageRules { Immutable = true, KeepLast = 5 }));
        Assert.That(config.Images[1].Rules, Is.EqualTo(new ImageRules { MaxAge = TimeSpan.FromDays(7), KeepLast = 3 }));
        Assert.That(config.Policies, Is.EqualTo(new[]
        {
            new PolicyRule("no-critical", PolicyCheck.Scan) { MaxSeverity = "HIGH" },
            new PolicyRule("fresh", PolicyCheck.Age) { MaxDays = 90 },
            new PolicyRule("signed", PolicyCheck.Signed) { KeyRef = "cosign.pub" },
            new PolicyRule("small", PolicyCheck.Size) { MaxBytes = 1073741824 },
        }));
    }

    [Test]
    public void ReadsBlockStyleWithKeepTagsAsAList()
    {
        var config = BucketConfigParser.Parse("""
            # the bucket's rules
            default:
              lifecycle:
                keep_last: 10
                keep_tags:
                  - latest
                  - "v*"
            images:
              "*-cache":
                immutable: true
            """, "s3lo.yaml");

        Assert.That(config.Default.KeepTags, Is.EqualTo(new[] { "latest", "v*" }));
        Assert.That(config.Images.Single().Pattern, Is.EqualTo("*-cache"));
        Assert.That(config.Images.Single().Rules.Immutable, Is.True);
    }

    [Test]
    public void ReadsTheS3loV1FixtureFile()
    {
        var text = File.ReadAllText(Path.Combine(FixtureStore.Path, "s3lo.yaml"));

        var config = BucketConfigParser.Parse(text, "s3lo.yaml");

        Assert.That(config.Default, Is.EqualTo(new ImageRules { KeepLast = 10, MaxAge = TimeSpan.FromDays(90) }));
        Assert.That(config.Images, Is.Empty);
        Assert.That(config.Policies, Is.Empty);
    }

    [TestCase("")]
    [TestCase("# only a comment\n\n# and another\n")]
    [TestCase("~\n")]
    public void AnEmptyFileIsTheEmptyConfig(string text) =>
        Assert.That(BucketConfigParser.Parse(text, "s3lo.yaml"), Is.SameAs(BucketConfig.Empty));

    [Test]
    public void EmptySectionsAndEntriesSetNothing()
    {
        var config = BucketConfigParser.Parse("default:\nimages:\n  myapp:\npolicies:\n", "s3lo.yaml");

        Assert.That(config.Default, Is.EqualTo(ImageRules.None));
        Assert.That(config.Images.Single(), Is.EqualTo(new ImageEntry("myapp", ImageRules.None)));
    }

    [TestCase("default:\n  lifecycle:\n    keep_last: 10\n\n    keep_lst: 3\n",
        "s3lo.yaml line 5: unknown key 'keep_lst' under lifecycle; valid keys: keep_last, max_age, keep_tags")]
    [TestCase("default:\n  imutable: true\n",
        "s3lo.yaml line 2: unknown key 'imutable' under default; valid keys: immutable, lifecycle")]
    [TestCase("defaults: {}\n",
        "s3lo.yaml line 1: unknown key 'defaults' at the top level; valid keys: default, images, policies")]
    [TestCase("images:\n  myapp: {immutable: true, keep_last: 3}\n",
        "s3lo.yaml line 2: unknown key 'keep_last' under 'myapp'; valid keys: immutable, lifecycle")]
    [TestCase("default:\n  lifecycle:\n    keep_last: ten\n",
        "s3lo.yaml line 3: keep_last must be a whole number from 1 to 100000, not 'ten'")]
    [TestCase("default: {lifecycle: {keep_last: 0}}\n",
        "s3lo.yaml line 1: keep_last must be a whole number from 1 to 100000, not '0'")]
    [TestCase("default: {lifecycle: {keep_last: 100001}}\n",
        "s3lo.yaml line 1: keep_last must be a whole number from 1 to 100000, not '100001'")]
    [TestCase("default:\n  lifecycle: {max_age: 90 days}\n",
        "s3lo.yaml line 2: max_age must be a duration above zero like 90d, 12h, 1m30s or 500ms, not '90 days'")]
    [TestCase("default:\n  lifecycle: {max_age: 0s}\n",
        "s3lo.yaml line 2: max_age must be a duration above zero like 90d, 12h, 1m30s or 500ms, not '0s'")]
    [TestCase("default:\n  immutable: yes\n",
        "s3lo.yaml line 2: immutable must be true or false, not 'yes'")]
    [TestCase("default:\n  lifecycle:\n    keep_tags: latest\n",
        "s3lo.yaml line 3: keep_tags must be a list of tag names or globs, like [latest, stable, v*]")]
    [TestCase("default:\n  lifecycle:\n    keep_tags: [latest, 'bad tag']\n",
        "s3lo.yaml line 3: each keep_tags entry must be a tag name or glob (letters, digits, '.', '_', '-', with * and ?), not 'bad tag'")]
    [TestCase("default:\n  lifecycle: 10\n",
        "s3lo.yaml line 2: lifecycle must be a mapping with the keys keep_last, max_age, keep_tags")]
    [TestCase("images:\n  MyApp: {immutable: true}\n",
        "s3lo.yaml line 2: 'MyApp' under images is not an image name or glob: lowercase a-z and 0-9 joined by '.', '_', '__' or '-', components separated by '/', with * and ?")]
    [TestCase("images:\n  dev//x: {immutable: true}\n",
        "s3lo.yaml line 2: 'dev//x' under images is not an image name or glob: lowercase a-z and 0-9 joined by '.', '_', '__' or '-', components separated by '/', with * and ?")]
    [TestCase("images: [myapp]\n",
        "s3lo.yaml line 1: images must be a mapping of image names or globs to rules, like {myapp: {immutable: true}}")]
    [TestCase("- a\n- b\n",
        "s3lo.yaml line 1: the file must be a mapping with the keys default, images, policies")]
    [TestCase("default:\n  immutable: true\ndefault:\n  immutable: false\n",
        "s3lo.yaml line 3: key 'default' appears twice (first on line 1)")]
    [TestCase("default: {immutable: true\n",
        "s3lo.yaml line 2: while parsing a flow mapping, did not find expected ',' or '}'")]
    [TestCase("default: &d {immutable: true}\nimages:\n  myapp: *d\n",
        "s3lo.yaml line 1: anchors and aliases (&, *) are not allowed in s3lo.yaml")]
    [TestCase("default: {}\n---\ndefault: {}\n",
        "s3lo.yaml line 2: only one YAML document is allowed")]
    public void RefusesWithTheLineAndTheValidChoices(string text, string message)
    {
        var error = Assert.Throws<ConfigException>(() => BucketConfigParser.Parse(text, "s3lo.yaml"))!;
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [TestCase("policies:\n  - {name: fresh, check: old, max_days: 3}\n",
        "s3lo.yaml line 2: check must be one of scan, age, signed, size, not 'old'")]
    [TestCase("policies:\n  - {name: fresh, max_days: 3}\n",
        "s3lo.yaml line 2: policy 'fresh' needs a check: one of scan, age, signed, size")]
    [TestCase("policies:\n  - {check: age, max_days: 3}\n",
        "s3lo.yaml line 2: each policy needs a name, like {name: fresh, check: age, max_days: 90}")]
    [TestCase("policies:\n  - {name: fresh, check: age}\n",
        "s3lo.yaml line 2: policy 'fresh' (check age) needs max_days")]
    [TestCase("policies:\n  - name: small\n    check: size\n    max_days: 3\n",
        "s3lo.yaml line 4: max_days does not apply to check size; policy 'small' takes name, check and max_bytes")]
    [TestCase("policies:\n  - {name: s, check: scan, max_severity: SEVERE}\n",
        "s3lo.yaml line 2: max_severity must be one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL, not 'SEVERE'")]
    [TestCase("policies:\n  - {name: s, check: size, max_bytes: 1GB}\n",
        "s3lo.yaml line 2: max_bytes must be a whole number of bytes from 1, not '1GB'")]
    [TestCase("policies:\n  - {name: s, check: size, max_bytes: 5}\n  - {name: s, check: age, max_days: 5}\n",
        "s3lo.yaml line 3: policy name 's' is used twice (first on line 2)")]
    [TestCase("policies:\n  - {name: s, check: age, max_days: 5, owner: me}\n",
        "s3lo.yaml line 2: unknown key 'owner' under policy 's'; valid keys: name, check, max_severity, max_days, key_ref, max_bytes")]
    [TestCase("policies: {name: s}\n",
        "s3lo.yaml line 1: policies must be a list, like [{name: fresh, check: age, max_days: 90}]")]
    public void RefusesBadPolicies(string text, string message)
    {
        var error = Assert.Throws<ConfigException>(() => BucketConfigParser.Parse(text, "s3lo.yaml"))!;
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [Test]
    public void RefusesInputOverOneMebibyte()
    {
        var text = "# " + new string('x', BucketConfigParser.MaxBytes) + "\n";

        var error = Assert.Throws<ConfigException>(() => BucketConfigParser.Parse(text, "s3lo.yaml"))!;

        Assert.That(error.Message, Is.EqualTo($"s3lo.yaml is {text.Length} bytes; s3lo reads a config of at most 1 MiB"));
    }

    [Test]
    public void RefusesDeepNestingBeforeItCanExhaustTheStack()
    {
        var text = "default: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var error = Assert.Throws<ConfigException>(() => BucketConfigParser.Parse(text, "s3lo.yaml"))!;

        Assert.That(error.Message, Is.EqualTo("s3lo.yaml line 1: nested deeper than 16 levels"));
    }

    [Test]
    public void NamesTheSourceItWasGiven()
    {
        var error = Assert.Throws<ConfigException>(() => BucketConfigParser.Parse("x: 1\n", "s3://b/s3lo.yaml"))!;
        Assert.That(error.Message, Does.StartWith("s3://b/s3lo.yaml line 1: unknown key 'x'"));
    }

    [Test]
    public void ALongValueIsClippedInTheMessage()
    {
        var error = Assert.Throws<ConfigException>(() => BucketConfigParser.Parse("default: {immutable: " + new string('x', 10_000) + "}\n", "s3lo.yaml"))!;
        Assert.That(error.Message, Is.EqualTo($"s3lo.yaml line 1: immutable must be true or false, not '{new string('x', 64)}...'"));
    }

    [Test]
    public void TheDefaultFileInitWritesParses()
    {
        var config = BucketConfigParser.Parse(S3lo.Core.Init.StoreInitializer.DefaultConfig, "s3lo.yaml");
        Assert.That(config.Default, Is.EqualTo(new ImageRules { Immutable = false, KeepLast = 10, MaxAge = TimeSpan.FromDays(90) }));
    }
}
