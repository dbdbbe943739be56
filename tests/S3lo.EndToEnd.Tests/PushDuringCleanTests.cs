using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// A push that commits while a clean runs, through the published binary and the real daemon: it waits for the
/// clean's marker to go, then restores what the clean deleted, so the tag never points at a missing blob.
/// </summary>
[NonParallelizable]
public sealed class PushDuringCleanTests
{
    private const string Image = "s3lo-e2e/during-clean:src";

    [OneTimeSetUp]
    public void BuildImage()
    {
        DockerCli.RequireDaemon();
        DockerCli.RemoveImage(Image);
        TestImages.Build(Image, seed: 41, extraLayers: 2, layerBytes: 200_000);
    }

    [OneTimeTearDown]
    public void RemoveImage() => DockerCli.RemoveImage(Image);

    [Test]
    public async Task APushWaitsForARunningCleanAndUploadsAgainALayerItDeleted()
    {
        using var store = new TempStore();
        var first = S3loBinary.Run("push", Image, store.Ref("app:0"));
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString);
        var layer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store.Root, "manifests", "app", "0", "manifest.json"))).RootElement
            .GetProperty("layers")[1].GetProperty("digest").GetString()!;
        // A clean is running: its marker lives for an hour.
        var marker = Path.Combine(store.Root, "s3lo-gc", "running", "e2e-run.json");
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        var now = DateTimeOffset.UtcNow;
        File.WriteAllText(marker, $$"""{"run":"e2e-run","started_at":"{{now:yyyy-MM-ddTHH:mm:ssZ}}","expires_at":"{{now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}""");

        // The bucket has every layer: this push exports nothing, and commits app:1 while the clean runs.
        var push = Task.Run(() => S3loBinary.Run("push", Image, store.Ref("app:1"), "--output", "json"));
        var manifest = Path.Combine(store.Root, "manifests", "app", "1", "manifest.json");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(manifest) && !push.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(1000);
        Assert.That(push.IsCompleted, Is.False, push.IsCompleted ? push.Result.ToString() : "the push waits while the clean runs");

        // The clean deletes the layer (it judged it unreachable before the tag landed), then ends.
        File.Delete(Path.Combine(store.Root, "blobs", "sha256", layer["sha256:".Length..]));
        File.Delete(marker);
        var result = await push.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StderrLines, Is.EqualTo(new[]
        {
            $"waiting for a clean of local://{store.Root} to finish",
            "note: a concurrent clean deleted blobs this push had reused; pushing again to upload them",
        }));
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.That(json.GetProperty("blobsRepaired").GetInt32(), Is.EqualTo(1));
        Assert.That(json.GetProperty("unchanged").GetBoolean(), Is.False, "the push moved the tag");
        Assert.That(File.Exists(Path.Combine(store.Root, "blobs", "sha256", layer["sha256:".Length..])), Is.True, "the layer is back");
        Assert.That(StoreChecker.Problems(store.Root), Is.Empty);
    }
}
