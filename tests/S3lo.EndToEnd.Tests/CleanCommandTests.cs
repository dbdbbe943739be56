using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo clean</c> through the published binary on a local store holding real copies: app:v1..v4 share one
/// base layer and have one unique layer each, pushed one day apart (history.json rewritten), keep_last=2.
/// </summary>
public sealed partial class CleanCommandTests
{
    private const string NoBlobsDryRun =
        "dry run: tags {0}, manifests 0 (0 B), blobs 0 (0 B), uploads 0 (0 B), index-entries 0 (0 B); nothing was deleted (add --confirm to delete)";

    [Test]
    public void DryRunListsWhatWouldGoAndChangesNothingThenConfirmDeletesExactlyThat()
    {
        using var store = new TempStore();
        var images = Seed(store);
        var before = Snapshot(store);

        var dry = S3loBinary.Run("clean", store.Url);
        Assert.That(dry.ExitCode, Is.EqualTo(0), dry.ToString);
        Assert.That(dry.StdoutLines, Is.EqualTo(new[]
        {
            "would delete tag app:v1 (keep_last 2: 4th newest)",
            "would delete tag app:v2 (keep_last 2: 3rd newest)",
            string.Format(NoBlobsDryRun, 2),
        }), "the blobs are younger than the default grace of 1h");

        var dryNoGrace = S3loBinary.Run("clean", store.Url, "--grace", "0s");
        Assert.That(dryNoGrace.ExitCode, Is.EqualTo(0), dryNoGrace.ToString);
        Assert.That(dryNoGrace.StdoutLines[..2], Is.EqualTo(new[]
        {
            "would delete tag app:v1 (keep_last 2: 4th newest)",
            "would delete tag app:v2 (keep_last 2: 3rd newest)",
        }));
        Assert.That(BlobLines(dryNoGrace, "would delete"), Is.EquivalentTo(UniqueBlobs(images[0], images[1])));
        Assert.That(dryNoGrace.StdoutLines[^1], Does.StartWith("dry run: tags 2, manifests 0 (0 B), blobs 4 ("));
        Assert.That(dryNoGrace.StdoutLines[^1], Does.EndWith("; nothing was deleted (add --confirm to delete)"));
        Assert.That(Snapshot(store), Is.EqualTo(before), "a dry run writes nothing");

        var confirmed = S3loBinary.Run("clean", store.Url, "--confirm", "--grace", "0s");
        Assert.That(confirmed.ExitCode, Is.EqualTo(0), confirmed.ToString);
        Assert.That(confirmed.StdoutLines[..2], Is.EqualTo(new[]
        {
            "deleted tag app:v1 (keep_last 2: 4th newest)",
            "deleted tag app:v2 (keep_last 2: 3rd newest)",
        }));
        Assert.That(BlobLines(confirmed, "deleted"), Is.EquivalentTo(UniqueBlobs(images[0], images[1])));
        Assert.That(confirmed.StdoutLines[^1], Does.StartWith("deleted: tags 2, manifests 0 (0 B), blobs 4 ("));

        Assert.That(List(store), Is.EqualTo(new[] { "app:v3", "app:v4" }));
        foreach (var gone in UniqueBlobs(images[0], images[1]))
            Assert.That(File.Exists(StoreChecker.BlobPath(store.Root, gone)), Is.False, $"{gone} of a pruned tag is deleted");
        Assert.That(File.Exists(StoreChecker.BlobPath(store.Root, images[0].Layers[0])), Is.True, "the shared base layer stays");
        var outDir = Path.Combine(store.Parent, "out");
        foreach (var tag in new[] { "v3", "v4" })
        {
            var back = S3loBinary.Run("copy", store.Ref($"app:{tag}"), $"oci:{outDir}:{tag}");
            Assert.That(back.ExitCode, Is.EqualTo(0), back.ToString);
        }
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
    }

    [Test]
    public void MaxAgeAndKeepTagsDecideWithTheirReasonsAndTagsThenBlobsSplitTheRun()
    {
        using var store = new TempStore();
        var images = Seed(store);
        var set = S3loBinary.Run("config", "set", store.Ref("app"), "lifecycle.max_age=1d12h", "lifecycle.keep_tags=v1");
        Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString);

        var tags = S3loBinary.Run("clean", store.Url, "--tags", "--confirm", "--grace", "0s");
        Assert.That(tags.ExitCode, Is.EqualTo(0), tags.ToString);
        Assert.That(tags.StdoutLines, Is.EqualTo(new[]
        {
            "deleted tag app:v2 (keep_last 2: 3rd newest; max_age 1d12h: pushed 3d ago)",
            "deleted tag app:v3 (max_age 1d12h: pushed 2d ago)",
            "deleted: tags 2, manifests 0 (0 B), blobs 0 (0 B), uploads 0 (0 B), index-entries 0 (0 B)",
        }), "keep_tags v1 keeps the oldest tag; --tags alone deletes no blob");
        foreach (var held in UniqueBlobs(images[1], images[2]))
            Assert.That(File.Exists(StoreChecker.BlobPath(store.Root, held)), Is.True, $"{held} stays until a --blobs run");

        var blobs = S3loBinary.Run("clean", store.Url, "--blobs", "--confirm", "--grace", "0s");
        Assert.That(blobs.ExitCode, Is.EqualTo(0), blobs.ToString);
        Assert.That(BlobLines(blobs, "deleted"), Is.EquivalentTo(UniqueBlobs(images[1], images[2])));
        Assert.That(blobs.StdoutLines[^1], Does.StartWith("deleted: tags 0, manifests 0 (0 B), blobs 4 ("));
        Assert.That(List(store), Is.EqualTo(new[] { "app:v1", "app:v4" }));
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
    }

    [Test]
    public void KeepDigestsKeepsTheTagHoldingADigestFromTheFile()
    {
        using var store = new TempStore();
        var images = Seed(store);
        var keep = Path.Combine(store.Parent, "running.txt");
        File.WriteAllText(keep, $"# what the cluster runs\n{images[0].Digest}\n");

        var dry = S3loBinary.Run("clean", store.Url, "--keep-digests", keep);
        Assert.That(dry.ExitCode, Is.EqualTo(0), dry.ToString);
        Assert.That(dry.StdoutLines, Is.EqualTo(new[]
        {
            "would delete tag app:v2 (keep_last 2: 3rd newest)",
            string.Format(NoBlobsDryRun, 1),
        }));

        var confirmed = S3loBinary.Run("clean", store.Url, "--keep-digests", keep, "--confirm", "--grace", "0s");
        Assert.That(confirmed.ExitCode, Is.EqualTo(0), confirmed.ToString);
        Assert.That(List(store), Is.EqualTo(new[] { "app:v1", "app:v3", "app:v4" }));
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
    }

    [Test]
    public void AnInvalidLineInTheKeepDigestsFileIsAUsageErrorWithItsLineNumber()
    {
        using var store = new TempStore();
        var images = Seed(store);
        var before = Snapshot(store);
        var keep = Path.Combine(store.Parent, "running.txt");
        File.WriteAllText(keep, $"{images[0].Digest}\nsha256:abc\n");

        var result = S3loBinary.Run("clean", store.Url, "--keep-digests", keep, "--confirm", "--grace", "0s");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Is.EqualTo($"error: --keep-digests {keep} line 2: 'sha256:abc' is not a digest"));
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(Snapshot(store), Is.EqualTo(before), "nothing deleted");
    }

    [Test]
    public void AnImmutableImageIsNeverPruned()
    {
        using var store = new TempStore();
        Seed(store);
        var set = S3loBinary.Run("config", "set", store.Ref("app"), "immutable=true");
        Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString);

        var result = S3loBinary.Run("clean", store.Url, "--confirm", "--grace", "0s");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[]
        {
            "deleted: tags 0, manifests 0 (0 B), blobs 0 (0 B), uploads 0 (0 B), index-entries 0 (0 B)",
        }));
        Assert.That(List(store), Is.EqualTo(new[] { "app:v1", "app:v2", "app:v3", "app:v4" }));
    }

    [Test]
    public void TheDefaultGraceKeepsFreshUnreachableBlobs()
    {
        using var store = new TempStore();
        var images = Seed(store);
        foreach (var tag in new[] { "v1", "v2" })
        {
            var delete = S3loBinary.Run("delete", store.Ref($"app:{tag}"));
            Assert.That(delete.ExitCode, Is.EqualTo(0), delete.ToString);
        }

        var dry = S3loBinary.Run("clean", store.Url);
        Assert.That(dry.ExitCode, Is.EqualTo(0), dry.ToString);
        Assert.That(dry.StdoutLines, Is.EqualTo(new[] { string.Format(NoBlobsDryRun, 0) }));

        var confirmed = S3loBinary.Run("clean", store.Url, "--confirm");
        Assert.That(confirmed.ExitCode, Is.EqualTo(0), confirmed.ToString);
        foreach (var young in UniqueBlobs(images[0], images[1]))
            Assert.That(File.Exists(StoreChecker.BlobPath(store.Root, young)), Is.True, $"{young} is younger than 1h");

        // The same blobs are what a zero grace would take: the grace, not reachability, kept them.
        var noGrace = S3loBinary.Run("clean", store.Url, "--grace", "0s");
        Assert.That(BlobLines(noGrace, "would delete"), Is.EquivalentTo(UniqueBlobs(images[0], images[1])));
    }

    [Test]
    public void JsonOutputHasTheTotalsPerCategory()
    {
        using var store = new TempStore();
        var images = Seed(store);
        var freed = UniqueBlobs(images[0], images[1]).Sum(d => new FileInfo(StoreChecker.BlobPath(store.Root, d)).Length);
        var tagBytes = new[] { "v1", "v2" }.Sum(t => new FileInfo(Path.Combine(store.Root, "manifests", "app", t, "manifest.json")).Length);

        var result = S3loBinary.Run("clean", store.Url, "--confirm", "--grace", "0s", "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.That(json.GetProperty("bucket").GetString(), Is.EqualTo(store.Url));
        Assert.That(json.GetProperty("confirmed").GetBoolean(), Is.True);
        Assert.That(json.GetProperty("totals").EnumerateArray().Select(t =>
                $"{t.GetProperty("category").GetString()} {t.GetProperty("count").GetInt32()} {t.GetProperty("bytes").GetInt64()} {t.GetProperty("failed").GetInt32()}"),
            Is.EqualTo(new[]
            {
                $"tags 2 {tagBytes} 0",
                "manifests 0 0 0",
                $"blobs 4 {freed} 0",
                "uploads 0 0 0",
                "index-entries 0 0 0",
            }));
        Assert.That(json.GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("category").GetString() == "tags")
                .Select(i => $"{i.GetProperty("name").GetString()}: {i.GetProperty("reason").GetString()}"),
            Is.EqualTo(new[] { "app:v1: keep_last 2: 4th newest", "app:v2: keep_last 2: 3rd newest" }));
        Assert.That(json.GetProperty("warnings").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void AnInvalidS3loYamlInTheBucketStopsCleanBeforeItDeletesAnything()
    {
        using var store = new TempStore();
        Seed(store);
        File.WriteAllText(Path.Combine(store.Root, "s3lo.yaml"), "images:\n  app: {lifecycle: {keep_last: 0}}\n");
        var before = Snapshot(store);

        var result = S3loBinary.Run("clean", store.Url, "--confirm", "--grace", "0s");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString);
        Assert.That(result.StderrLines, Is.EqualTo(new[]
        {
            "error: s3lo.yaml line 2: keep_last must be a whole number from 1 to 100000, not '0'",
            $"hint: fix s3lo.yaml in {store.Url.TrimEnd('/')} by hand; docs/config.md lists every key",
        }));
        Assert.That(result.Stdout, Is.Empty);
        Assert.That(Snapshot(store), Is.EqualTo(before));
    }

    [Test]
    public void ConfigFileRulesReplaceTheBucketsForOneRun()
    {
        using var store = new TempStore();
        Seed(store);
        var rules = Path.Combine(store.Parent, "trial.yaml");
        File.WriteAllText(rules, "images:\n  app: {lifecycle: {keep_last: 3}}\n");

        var result = S3loBinary.Run("clean", store.Url, "--config", rules);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StdoutLines, Is.EqualTo(new[]
        {
            "would delete tag app:v1 (keep_last 3: 4th newest)",
            string.Format(NoBlobsDryRun, 1),
        }), "the bucket says keep_last 2; the file says 3");
    }

    /// <summary>A --config file is a value given on the command line, as a --keep-digests file is: a bad one is a usage error.</summary>
    [Test]
    public void AnInvalidConfigFileIsAUsageError()
    {
        using var store = new TempStore();
        Seed(store);
        var rules = Path.Combine(store.Parent, "trial.yaml");
        File.WriteAllText(rules, "images:\n  app: {lifecycle: {keep_lst: 3}}\n");

        var result = S3loBinary.Run("clean", store.Url, "--config", rules, "--confirm", "--grace", "0s");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines[0], Is.EqualTo($"error: {rules} line 2: unknown key 'keep_lst' under lifecycle; valid keys: keep_last, max_age, keep_tags"));
        Assert.That(List(store), Is.EqualTo(new[] { "app:v1", "app:v2", "app:v3", "app:v4" }));
    }

    [Test]
    public void CleanOfAnImageIsAUsageErrorWithAHint()
    {
        using var store = new TempStore();

        var result = S3loBinary.Run("clean", store.Ref("app"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
        Assert.That(result.StderrLines, Is.EqualTo(new[]
        {
            $"error: clean acts on a whole bucket; '{store.Ref("app")}' names an image",
            $"hint: write {store.Url}",
        }));
        Assert.That(result.Stdout, Is.Empty);
    }

    /// <summary>One copied image: its manifest digest, config and layers (layer 0 is the shared base).</summary>
    private sealed record Image(string Tag, string Digest, string Config, string[] Layers);

    /// <summary>app:v1..v4 copied in, v1 pushed 4 days ago ... v4 1 day ago, and keep_last=2 for app.</summary>
    private static Image[] Seed(TempStore store)
    {
        var layout = Path.Combine(store.Parent, "layout");
        var images = new Image[4];
        for (var i = 1; i <= 4; i++)
        {
            var digest = OciLayoutImages.Write(layout, $"v{i}", 1, 10 + i);
            var copy = S3loBinary.Run("copy", $"oci:{layout}:v{i}", store.Ref($"app:v{i}"));
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
            var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]))).RootElement;
            images[i - 1] = new Image($"v{i}", digest, manifest.GetProperty("config").GetProperty("digest").GetString()!,
                [.. manifest.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)]);
            SetPushedAt(store, "app", $"v{i}", DateTimeOffset.UtcNow.AddDays(i - 5));
        }
        var set = S3loBinary.Run("config", "set", store.Ref("app"), "lifecycle.keep_last=2");
        Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString);
        return images;
    }

    /// <summary>Puts a push at a chosen time: history.json is data the bucket holds, newest entry first.</summary>
    private static void SetPushedAt(TempStore store, string image, string tag, DateTimeOffset at)
    {
        var path = Path.Combine(store.Root, "manifests", image, tag, "history.json");
        var history = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        history[0]!["pushed_at"] = at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
        File.WriteAllText(path, history.ToJsonString());
    }

    /// <summary>What only these images hold: their configs and unique layers.</summary>
    private static string[] UniqueBlobs(params Image[] images) => [.. images.SelectMany(i => new[] { i.Config, i.Layers[1] })];

    /// <summary>The digests of the "VERB blob sha256:... (size; unreachable, last modified Ns ago)" lines.</summary>
    private static List<string> BlobLines(RunResult result, string verb)
    {
        var lines = result.StdoutLines.Where(l => l.StartsWith($"{verb} blob ", StringComparison.Ordinal)).ToList();
        foreach (var line in lines) Assert.That(BlobLine().IsMatch(line), Is.True, line);
        return [.. lines.Select(l => l.Split(' ')[verb.Split(' ').Length + 1])];
    }

    [GeneratedRegex(@"^(would delete|deleted) blob sha256:[0-9a-f]{64} \([0-9.]+ (B|kB); unreachable, last modified \d+s ago\)$")]
    private static partial Regex BlobLine();

    private static string[] List(TempStore store)
    {
        var list = S3loBinary.Run("list", store.Url);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString);
        return list.StdoutLines;
    }

    /// <summary>Every file of the store with its bytes' hash: a dry run must leave this unchanged.</summary>
    private static List<string> Snapshot(TempStore store) =>
        [.. Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(store.Root, f)} {StoreChecker.Sha256Hex(File.ReadAllBytes(f))}")
            .Order(StringComparer.Ordinal)];
}
