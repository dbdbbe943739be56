using System.Text.Json;
using System.Text.RegularExpressions;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// What a user sees on a terminal: push and pull of a multi-layer image run in tmux, whose screen is captured
/// while they run — a line per layer (its short digest and phase), the daemon loading each layer on pull, and the
/// result line with the rate at the end.
/// </summary>
[NonParallelizable]
public sealed partial class TerminalProgressTests
{
    private const string Image = "s3lo-e2e/progress:src";
    private const string Pulled = "s3lo-e2e/progress:pulled";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        TmuxPane.Require();
        DockerCli.RemoveImage(Image);
        // Four layers of 30 MB (half noise): long enough to be seen mid-transfer.
        TestImages.Build(Image, seed: 41, extraLayers: 3, layerBytes: 30_000_000);
    }

    [OneTimeTearDown]
    public void RemoveImages() => DockerCli.RemoveImage(Image, Pulled);

    [Test]
    public void PushAndPullDrawALinePerLayerAndEndWithTheRate()
    {
        using var store = new TempStore();
        var id = DockerCli.ImageId(Image);
        var diffIds = DockerCli.DiffIds(Image).Select(Short).ToList();

        using (var push = new TmuxPane())
        {
            push.Run(S3loBinary.Path, ["push", Image, store.Ref("app:1")], TimeSpan.FromSeconds(60));
            Assert.That(push.ExitCode, Is.EqualTo(0), () => string.Join('\n', push.FinalScreen));
            var layers = LayerDigests(store).Select(Short).ToList();

            // The export streams each layer tar (named by its archive entry: the diff ID in docker 25's OCI-layout
            // save, the layer's directory in older ones), then its compressed blob goes up.
            var exported = push.Seen.Select(l => ExportRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            Assert.That(exported, Has.Count.EqualTo(diffIds.Count), () => "a line per exported layer; seen:\n" + string.Join('\n', push.Seen));
            if (exported.Overlaps(diffIds)) Assert.That(exported, Is.EquivalentTo(diffIds));
            foreach (var layer in layers)
                Assert.That(push.Seen, Has.Some.Matches<string>(l => Row(l, layer, "uploading", "uploaded", "verifying")), () => $"layer {layer} uploaded; seen:\n{string.Join('\n', push.Seen)}");
            Assert.That(push.Seen, Has.Some.Matches<string>(l => Live(l, "exporting")), "an export was seen under way");
            Assert.That(push.Seen, Has.Some.StartsWith("push: "), "the total line");
            Assert.That(push.FinalScreen, Has.Some.Matches<string>(l => ResultLine().IsMatch(l) && l.StartsWith("pushed ", StringComparison.Ordinal)));

            DockerCli.RemoveImage(Pulled, Image);
            Assert.That(DockerCli.ImageExists(id), Is.False, "the image must be gone from the daemon before the pull");
            try
            {
                using var pull = new TmuxPane();
                pull.Run(S3loBinary.Path, ["pull", store.Ref("app:1"), Pulled], TimeSpan.FromSeconds(60));
                Assert.That(pull.ExitCode, Is.EqualTo(0), () => string.Join('\n', pull.FinalScreen));
                Assert.That(DockerCli.ImageId(Pulled), Is.EqualTo(id));

                // The daemon takes plain tars: a gzip layer comes down decoded, shown by its diff ID.
                for (var i = 0; i < layers.Count; i++)
                {
                    string[] names = [layers[i], diffIds[i]];
                    Assert.That(pull.Seen, Has.Some.Matches<string>(l => names.Any(n => Row(l, n, "downloading", "downloaded", "verifying"))),
                        () => $"layer {layers[i]} downloaded; seen:\n{string.Join('\n', pull.Seen)}");
                    // The daemon's "Loading layer" messages name layers by chain ID: shown as the blob that was pulled.
                    Assert.That(pull.Seen, Has.Some.Matches<string>(l => names.Any(n => Row(l, n, "loading", "loaded"))),
                        () => $"layer {layers[i]} loaded; seen:\n{string.Join('\n', pull.Seen)}");
                }
                Assert.That(pull.Seen, Has.Some.Contains("loading into the Docker daemon"), "the load shows on the total line");
                Assert.That(pull.Seen, Has.Some.Matches<string>(l => Live(l, "(downloading|loading)")), "a download or load was seen under way");
                Assert.That(pull.FinalScreen, Has.Some.Matches<string>(l => ResultLine().IsMatch(l) && l.StartsWith("pulled ", StringComparison.Ordinal)));
            }
            finally
            {
                if (!DockerCli.ImageExists(Image) && DockerCli.ImageExists(id)) DockerCli.MustRun("tag", id, Image);
            }
        }
    }

    private static bool Row(string line, string shortDigest, params string[] phases) =>
        phases.Any(p => line.StartsWith($"{shortDigest}  {p} ", StringComparison.Ordinal));

    private static bool Live(string line, string phase) => Regex.IsMatch(line, $"^[0-9a-f]{{12}}  {phase} +[0-9.]+ [kMG]?B / [0-9.]+ [kMG]?B");

    private static string Short(string digest) => digest["sha256:".Length..][..12];

    /// <summary>The pushed manifest's layer digests, from the store's files.</summary>
    private static List<string> LayerDigests(TempStore store)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "1", "manifest.json")));
        return manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList();
    }

    [GeneratedRegex("^([0-9a-f]{12})  (exporting|exported) ")]
    private static partial Regex ExportRow();

    [GeneratedRegex(@"^(pushed|pulled|copied) [0-9.]+ [kMG]?B in [0-9.ms]+( s)?, [0-9.]+ [kMG]?B/s$")]
    private static partial Regex ResultLine();
}
