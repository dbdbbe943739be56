using System.Text.Json;
using Amazon.S3.Model;

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
        var push = Task.Run(() => S3loBinary.Run("push", Image, store.Ref("app:1"), "--output", "json", "--progress", "none"));
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

    [Test]
    public async Task OnCephAPushWaitsForARunningCleanAndUploadsAgainALayerItDeleted()
    {
        using var bucket = S3Server.CreateBucket();
        using var client = S3Server.Client();
        var endpoint = S3Server.Endpoint;
        // Ceph has no INTELLIGENT_TIERING: STANDARD keeps stderr to what this test is about.
        string[] s3 = ["--endpoint", endpoint, "--storage-class", "STANDARD"];
        var first = S3loBinary.Run(["push", Image, bucket.Ref("app:0"), .. s3]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString);
        using var manifest0 = await client.GetObjectAsync(bucket.Name, "manifests/app/0/manifest.json");
        var layer = JsonDocument.Parse(manifest0.ResponseStream).RootElement.GetProperty("layers")[1].GetProperty("digest").GetString()!;
        var layerKey = "blobs/sha256/" + layer["sha256:".Length..];
        const string markerKey = "s3lo-gc/running/e2e-run.json";
        var now = DateTimeOffset.UtcNow;
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket.Name,
            Key = markerKey,
            ContentBody = $$"""{"run":"e2e-run","started_at":"{{now:yyyy-MM-ddTHH:mm:ssZ}}","expires_at":"{{now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}""",
        });

        var push = Task.Run(() => S3loBinary.Run(["push", Image, bucket.Ref("app:1"), .. s3, "--output", "json", "--progress", "none"]));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ExistsAsync(client, bucket.Name, "manifests/app/1/manifest.json") && !push.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(1000);
        Assert.That(push.IsCompleted, Is.False, push.IsCompleted ? push.Result.ToString() : "the push waits while the clean runs");

        await client.DeleteObjectAsync(bucket.Name, layerKey);
        await client.DeleteObjectAsync(bucket.Name, markerKey);
        var result = await push.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString);
        Assert.That(result.StderrLines, Is.EqualTo(new[]
        {
            $"waiting for a clean of {bucket.Url.TrimEnd('/')} to finish",
            "note: a concurrent clean deleted blobs this push had reused; pushing again to upload them",
        }));
        Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("blobsRepaired").GetInt32(), Is.EqualTo(1));
        Assert.That(await ExistsAsync(client, bucket.Name, layerKey), Is.True, "the layer is back");
        // The tag reads back whole: the copy checks every blob first and verifies each digest.
        using var local = new TempStore();
        var back = S3loBinary.Run("copy", bucket.Ref("app:1"), local.Ref("app:1"), "--endpoint", endpoint);
        Assert.That(back.ExitCode, Is.EqualTo(0), back.ToString);
    }

    private static async Task<bool> ExistsAsync(Amazon.S3.AmazonS3Client client, string bucket, string key)
    {
        try
        {
            await client.GetObjectMetadataAsync(bucket, key);
            return true;
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
