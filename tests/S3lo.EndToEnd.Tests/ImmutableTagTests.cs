using System.Security.Cryptography;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// Immutable tags through the published binary: s3lo.yaml makes <c>app</c> immutable; push and copy refuse to
/// move its tag, <c>--force</c> moves it and says so (stderr, JSON, history), the same image again is fine.
/// </summary>
[NonParallelizable]
public sealed class ImmutableTagTests
{
    private const string First = "s3lo-e2e/immutable:first";
    private const string Second = "s3lo-e2e/immutable:second";
    private const string Config = "default:\n  immutable: false\nimages:\n  app: {immutable: true}\n";
    private const string Hint = "hint: push a new tag, or add --force to move it anyway";

    [OneTimeSetUp]
    public void BuildImages()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(First, Second);
        TestImages.Build(First, seed: 31, extraLayers: 1, layerBytes: 100_000);
        TestImages.Build(Second, seed: 32, extraLayers: 1, layerBytes: 100_000);
    }

    [OneTimeTearDown]
    public void RemoveImages() => DockerCli.RemoveImage(First, Second);

    [Test]
    public void PushToAnImmutableTagIsRefusedAndLeavesTagAndHistoryAsTheyWere()
    {
        using var store = ImmutableStore();
        Pushed(store, First, "app:1");
        var held = TagDigest(store);
        var history = File.ReadAllBytes(HistoryPath(store));

        // Without progress lines: the error and its hint are all of stderr.
        var refused = S3loBinary.Run("push", Second, store.Ref("app:1"), "--progress", "none");

        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString);
        Assert.That(refused.StderrLines, Is.EqualTo(new[]
        {
            $"error: app:1 in local://{store.Root} is immutable and holds {held}; it was not moved",
            Hint,
        }));
        Assert.That(refused.Stdout, Is.Empty);
        Assert.That(TagDigest(store), Is.EqualTo(held), "the tag did not move");
        Assert.That(File.ReadAllBytes(HistoryPath(store)), Is.EqualTo(history), "history untouched");
    }

    [Test]
    public void PushWithForceMovesAnImmutableTagAndSaysSoOnStderrInJsonAndInHistory()
    {
        using var store = ImmutableStore();
        Pushed(store, First, "app:1");
        var held = TagDigest(store);

        var forced = S3loBinary.Run("push", Second, store.Ref("app:1"), "--force", "--output", "json");

        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString);
        var json = JsonDocument.Parse(forced.Stdout).RootElement;
        var moved = json.GetProperty("digest").GetString();
        Assert.That(forced.StderrLines, Does.Contain($"forced: app:1 moved from {held} to {moved} (immutable)"));
        Assert.That(json.GetProperty("forced").GetBoolean(), Is.True);
        Assert.That(TagDigest(store), Is.EqualTo(moved));
        var history = JsonDocument.Parse(File.ReadAllBytes(HistoryPath(store))).RootElement;
        Assert.That(history.GetArrayLength(), Is.EqualTo(2));
        Assert.That(history[0].GetProperty("digest").GetString(), Is.EqualTo(moved));
        Assert.That(history[0].GetProperty("forced").GetBoolean(), Is.True);
        Assert.That(history[1].GetProperty("digest").GetString(), Is.EqualTo(held));
        Assert.That(history[1].EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "pushed_at", "digest", "size_bytes", "command", "source" }),
            "an ordinary push writes s3lo v1's fields first, then only its provenance (v1 ignores unknown fields), never forced: false");
    }

    [Test]
    public void PushingTheImageAnImmutableTagHoldsAgainSucceedsAndMovesNothing()
    {
        using var store = ImmutableStore();
        Pushed(store, First, "app:1");
        var held = TagDigest(store);
        var history = File.ReadAllBytes(HistoryPath(store));

        var again = S3loBinary.Run("push", First, store.Ref("app:1"), "--output", "json");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString);
        var json = JsonDocument.Parse(again.Stdout).RootElement;
        Assert.That(json.GetProperty("unchanged").GetBoolean(), Is.True);
        Assert.That(json.GetProperty("forced").GetBoolean(), Is.False);
        Assert.That(TagDigest(store), Is.EqualTo(held));
        Assert.That(File.ReadAllBytes(HistoryPath(store)), Is.EqualTo(history));
    }

    [Test]
    public void CopyToAnImmutableTagIsRefusedLikeAPushAndForceMovesIt()
    {
        using var store = ImmutableStore();
        Pushed(store, First, "src:first");
        Pushed(store, Second, "src:second");
        Assert.That(S3loBinary.Run("copy", store.Ref("src:first"), store.Ref("app:1")).ExitCode, Is.EqualTo(0));
        var held = TagDigest(store);
        var history = File.ReadAllBytes(HistoryPath(store));

        var refused = S3loBinary.Run("copy", store.Ref("src:second"), store.Ref("app:1"), "--progress", "none");

        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString);
        Assert.That(refused.StderrLines, Is.EqualTo(new[]
        {
            $"error: app:1 in local://{store.Root} is immutable and holds {held}; it was not moved",
            Hint,
        }));
        Assert.That(TagDigest(store), Is.EqualTo(held));
        Assert.That(File.ReadAllBytes(HistoryPath(store)), Is.EqualTo(history));

        var forced = S3loBinary.Run("copy", store.Ref("src:second"), store.Ref("app:1"), "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString);
        var moved = TagDigest(store);
        Assert.That(moved, Is.Not.EqualTo(held));
        Assert.That(forced.StderrLines, Does.Contain($"forced: app:1 moved from {held} to {moved} (immutable)"));
        Assert.That(JsonDocument.Parse(File.ReadAllBytes(HistoryPath(store))).RootElement[0].GetProperty("forced").GetBoolean(), Is.True);
    }

    /// <summary>A store whose s3lo.yaml makes the image <c>app</c> immutable (and nothing else).</summary>
    private static TempStore ImmutableStore()
    {
        var store = new TempStore();
        File.WriteAllText(Path.Combine(store.Root, "s3lo.yaml"), Config);
        return store;
    }

    private static void Pushed(TempStore store, string image, string imageAndTag)
    {
        var push = S3loBinary.Run("push", image, store.Ref(imageAndTag));
        Assert.That(push.ExitCode, Is.EqualTo(0), push.ToString);
    }

    private static string TagDigest(TempStore store) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "1", "manifest.json"))));

    private static string HistoryPath(TempStore store) => Path.Combine(store.Root, "manifests", "app", "1", "history.json");
}
