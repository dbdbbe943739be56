using System.Globalization;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo config set|get|remove|validate|recommend</c> through the published binary: the exact lines a user
/// reads, the exit codes, and the bucket's s3lo.yaml read back byte for byte.
/// </summary>
public sealed class ConfigCommandTests
{
    private const string ValidKeys = "valid keys: immutable, lifecycle.keep_last, lifecycle.max_age, lifecycle.keep_tags";

    [Test]
    public void SetGetAndRemoveRoundTripWithTheOriginOfEveryValue()
    {
        using var store = new TempStore();
        var initial = File.ReadAllText(ConfigPath(store));
        var bucket = store.Url;

        var glob = S3loBinary.Run("config", "set", store.Ref("dev/*"), "lifecycle.max_age=7d");
        Assert.That(glob.ExitCode, Is.EqualTo(0), glob.ToString);
        Assert.That(glob.StdoutLines, Is.EqualTo(new[] { $"set lifecycle.max_age=7d for dev/* in {bucket}" }));
        var image = S3loBinary.Run("config", "set", store.Ref("dev/app"), "lifecycle.keep_last=3");
        Assert.That(image.ExitCode, Is.EqualTo(0), image.ToString);
        Assert.That(image.StdoutLines, Is.EqualTo(new[] { $"set lifecycle.keep_last=3 for dev/app in {bucket}" }));

        var get = S3loBinary.Run("config", "get", store.Ref("dev/app"));
        Assert.That(get.ExitCode, Is.EqualTo(0), get.ToString);
        Assert.That(get.StdoutLines, Is.EqualTo(new[]
        {
            "immutable            false  [default]",
            "lifecycle.keep_last  3      [image]",
            "lifecycle.max_age    7d     [glob dev/*]",
            "lifecycle.keep_tags  -      [built-in]",
        }));
        Assert.That(get.Stderr, Is.Empty);

        var json = S3loBinary.Run("config", "get", store.Ref("dev/app"), "--output", "json");
        Assert.That(json.ExitCode, Is.EqualTo(0), json.ToString);
        var view = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.That(view.GetProperty("bucket").GetString(), Is.EqualTo(bucket));
        Assert.That(view.GetProperty("entry").GetString(), Is.EqualTo("dev/app"));
        Assert.That(view.GetProperty("settings").EnumerateArray()
                .Select(s => $"{s.GetProperty("key").GetString()}|{s.GetProperty("value").GetString()}|{s.GetProperty("origin").GetString()}"),
            Is.EqualTo(new[]
            {
                "immutable|false|[default]",
                "lifecycle.keep_last|3|[image]",
                "lifecycle.max_age|7d|[glob dev/*]",
                "lifecycle.keep_tags||[built-in]",
            }));

        // Removing the entry's last key removes the entry: the default's keep_last shows through again.
        var removeKey = S3loBinary.Run("config", "remove", store.Ref("dev/app"), "lifecycle.keep_last");
        Assert.That(removeKey.ExitCode, Is.EqualTo(0), removeKey.ToString);
        Assert.That(removeKey.StdoutLines, Is.EqualTo(new[] { $"removed lifecycle.keep_last from dev/app in {bucket}" }));
        var after = S3loBinary.Run("config", "get", store.Ref("dev/app"));
        Assert.That(after.StdoutLines, Is.EqualTo(new[]
        {
            "immutable            false  [default]",
            "lifecycle.keep_last  10     [default]",
            "lifecycle.max_age    7d     [glob dev/*]",
            "lifecycle.keep_tags  -      [built-in]",
        }));

        var removeEntry = S3loBinary.Run("config", "remove", store.Ref("dev/*"));
        Assert.That(removeEntry.ExitCode, Is.EqualTo(0), removeEntry.ToString);
        Assert.That(removeEntry.StdoutLines, Is.EqualTo(new[] { $"removed its settings from dev/* in {bucket}" }));
        Assert.That(File.ReadAllText(ConfigPath(store)), Is.EqualTo(initial), "set then remove gives back the file init wrote");

        var nothing = S3loBinary.Run("config", "remove", store.Ref("dev/*"));
        Assert.That(nothing.ExitCode, Is.EqualTo(1), nothing.ToString);
        Assert.That(nothing.StderrLines, Is.EqualTo(new[]
        {
            $"error: dev/* in {bucket}s3lo.yaml has no entry to remove",
            $"hint: 's3lo config get {store.Ref("dev/*")}' shows what is set",
        }));
    }

    [Test]
    public void SetAndRemoveKeepCommentsAndAnUnrelatedEntry()
    {
        using var store = new TempStore();
        const string original =
            "# owned by the platform team\n" +
            "default:\n" +
            "  immutable: false   # tags may move\n" +
            "images:\n" +
            "  # the batch jobs keep a week\n" +
            "  other: {lifecycle: {keep_last: 7}}\n";
        File.WriteAllText(ConfigPath(store), original);

        var set = S3loBinary.Run("config", "set", store.Ref("app"), "lifecycle.keep_last=2");
        Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString);
        Assert.That(File.ReadAllText(ConfigPath(store)), Is.EqualTo(original + "  app: {lifecycle: {keep_last: 2}}\n"));

        var remove = S3loBinary.Run("config", "remove", store.Ref("app"), "lifecycle.keep_last");
        Assert.That(remove.ExitCode, Is.EqualTo(0), remove.ToString);
        Assert.That(File.ReadAllText(ConfigPath(store)), Is.EqualTo(original));
    }

    [Test]
    public void AnUnknownKeyIsAUsageErrorNamingTheValidKeys()
    {
        using var store = new TempStore();
        var before = File.ReadAllBytes(ConfigPath(store));

        var result = S3loBinary.Run("config", "set", store.Ref("app"), "lifecycle.keep_lst=3");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Is.EqualTo($"error: unknown config key 'lifecycle.keep_lst'; {ValidKeys}"));
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(File.ReadAllBytes(ConfigPath(store)), Is.EqualTo(before));
    }

    [TestCase("lifecycle.keep_last=ten", "error: lifecycle.keep_last must be a whole number from 1 to 100000, not 'ten'")]
    [TestCase("lifecycle.keep_last=0", "error: lifecycle.keep_last must be a whole number from 1 to 100000, not '0'")]
    [TestCase("lifecycle.max_age=abc", "error: lifecycle.max_age must be a duration above zero like 90d, 12h, 1m30s or 500ms, not 'abc'")]
    [TestCase("immutable=maybe", "error: immutable must be true or false, not 'maybe'")]
    public void ABadValueIsAUsageErrorNamingTheForm(string assignment, string error)
    {
        using var store = new TempStore();
        var before = File.ReadAllBytes(ConfigPath(store));

        var result = S3loBinary.Run("config", "set", store.Ref("app"), assignment);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Is.EqualTo(error));
        Assert.That(File.ReadAllBytes(ConfigPath(store)), Is.EqualTo(before));
    }

    [Test]
    public void AMissingArgumentOfAConfigSubcommandPointsAtThatSubcommandsHelp()
    {
        using var store = new TempStore();

        var result = S3loBinary.Run("config", "set", store.Ref("app"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines, Has.Length.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Does.StartWith("error: ").And.EndWith("needs its assignments argument"));
        Assert.That(result.StderrLines[1], Is.EqualTo("hint: 's3lo config set --help' shows how to call it"), "'s3lo set' is not a command");
    }

    [Test]
    public void AStrayArgumentOfAConfigSubcommandPointsAtThatSubcommandsHelp()
    {
        using var store = new TempStore();

        var result = S3loBinary.Run("config", "get", store.Ref("app"), "extra");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines, Has.Length.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Does.StartWith("error: unexpected argument 'extra': "));
        Assert.That(result.StderrLines[1], Is.EqualTo("hint: 's3lo config get --help' shows how to call it; quote a value that contains spaces"),
            "'s3lo get' is not a command");
    }

    [Test]
    public void SetRefusesAnInvalidFileInTheBucketWithItsLineAndLeavesItAsItWas()
    {
        using var store = new TempStore();
        const string broken = "default:\n  lifecycle:\n    keep_lst: 3\n";
        File.WriteAllText(ConfigPath(store), broken);

        var result = S3loBinary.Run("config", "set", store.Ref("app"), "immutable=true");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString);
        Assert.That(result.StderrLines, Is.EqualTo(new[]
        {
            "error: s3lo.yaml line 3: unknown key 'keep_lst' under lifecycle; valid keys: keep_last, max_age, keep_tags",
            $"hint: fix s3lo.yaml in {store.Url.TrimEnd('/')} by hand; docs/config.md lists every key",
        }));
        Assert.That(File.ReadAllText(ConfigPath(store)), Is.EqualTo(broken));
    }

    [Test]
    public async Task SixConcurrentSetsOnOneCephBucketAllLand()
    {
        using var bucket = TestBucket.Create("s3");
        var sets = Enumerable.Range(1, 6)
            .Select(i => Task.Run(() => TestBucket.S3lo("config", "set", bucket.Ref($"team/app{i}"), $"lifecycle.keep_last={i}")))
            .ToList();
        var results = await Task.WhenAll(sets);

        foreach (var r in results) Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        for (var i = 1; i <= 6; i++)
        {
            var get = TestBucket.S3lo("config", "get", bucket.Ref($"team/app{i}"));
            Assert.That(get.ExitCode, Is.EqualTo(0), get.ToString);
            Assert.That(get.StdoutLines, Does.Contain($"lifecycle.keep_last  {i,-5}  [image]"), get.ToString);
        }
    }

    [Test]
    public void ValidateWithAFailingSizePolicyExitsOneWithAFailLine()
    {
        using var store = StoreWithImage(out var size);
        File.WriteAllText(ConfigPath(store), "policies:\n  - {name: small, check: size, max_bytes: 1000}\n");

        var result = S3loBinary.Run("config", "validate", store.Ref("app:v1"));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[] { $"FAIL small (size): {Number(size)} bytes, more than 1,000 bytes" }));
    }

    [Test]
    public void ValidateWithAPassingSizePolicyExitsZero()
    {
        using var store = StoreWithImage(out var size);
        File.WriteAllText(ConfigPath(store), "policies:\n  - {name: big, check: size, max_bytes: 100000}\n");

        var result = S3loBinary.Run("config", "validate", store.Ref("app:v1"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[] { $"pass big (size): {Number(size)} bytes, within 100,000 bytes" }));
    }

    [Test]
    public void ValidateWithNoPoliciesExitsZero()
    {
        using var store = StoreWithImage(out _);

        var result = S3loBinary.Run("config", "validate", store.Ref("app:v1"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[] { $"no policies in {store.Url}s3lo.yaml: nothing to check" }));
    }

    [Test]
    public void RecommendOnCephReportsVersioningAndIncompleteUploads()
    {
        using var bucket = TestBucket.Create("s3");

        var result = TestBucket.S3lo("config", "recommend", bucket.Url);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StdoutLines, Does.Contain("versioning: off"));
        Assert.That(result.StdoutLines, Does.Contain("incomplete-uploads: no rule"));
        Assert.That(result.StdoutLines, Does.Contain(
            "  advice: add a lifecycle rule with AbortIncompleteMultipartUpload after 7 days: parts of interrupted uploads are billed and no listing shows them"));
    }

    [Test]
    public void RecommendOnALocalStoreAdvisesRetentionForAnImageWithTwelveTagsAndNoRule()
    {
        using var store = StoreWithImage(out _);
        for (var i = 2; i <= 12; i++)
        {
            var copy = S3loBinary.Run("copy", store.Ref("app:v1"), store.Ref($"app:t{i}"));
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        }
        File.Delete(ConfigPath(store));

        var result = S3loBinary.Run("config", "recommend", store.Url);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[]
        {
            "config: no s3lo.yaml",
            $"  advice: 's3lo init {store.Url}' writes one with a default lifecycle (keep_last 10, max_age 90d)",
            "retention: app: 12 tags and no lifecycle rule",
            $"  advice: keep the newest ones and let 's3lo clean' prune the rest: s3lo config set {store.Url}app lifecycle.keep_last=10",
        }));
    }

    private static string ConfigPath(TempStore store) => Path.Combine(store.Root, "s3lo.yaml");

    /// <summary>A store holding app:v1 (two layers); <paramref name="size"/> is its config plus layers, as the manifest says.</summary>
    private static TempStore StoreWithImage(out long size)
    {
        var store = new TempStore();
        var layout = Path.Combine(store.Parent, "layout");
        OciLayoutImages.Write(layout, "v1", 1, 2);
        var copy = S3loBinary.Run("copy", $"oci:{layout}:v1", store.Ref("app:v1"));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "v1", "manifest.json"))).RootElement;
        size = manifest.GetProperty("config").GetProperty("size").GetInt64()
            + manifest.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("size").GetInt64());
        return store;
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
