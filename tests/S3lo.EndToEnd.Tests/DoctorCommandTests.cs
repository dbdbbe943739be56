using System.Text.Json;
using Amazon.S3.Model;

namespace S3lo.EndToEnd.Tests;

/// <summary><c>s3lo doctor</c> through the published binary: each kind of damage a test makes is reported, exactly, with its exit code.</summary>
public sealed class DoctorCommandTests
{
    private const string MissingArm64Layer = "sha256:d8ad8cd72600f46cc068e16c39046ebc76526e41051f43a8c249884b200936c0";

    [Test]
    public void TheV1FixtureHasExactlyItsMissingArm64Layer()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);

        var r = S3loBinary.Run("doctor", store.Url);

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[]
        {
            $"error: alpine:latest (linux/arm64/v8) references layer {MissingArm64Layer} which is missing from the bucket",
            "  fix: push or copy alpine:latest again to restore it",
            "1 error, 0 warnings (checked 1 tag, 54 blobs)",
        }));
        var json = JsonDocument.Parse(S3loBinary.Run("doctor", store.Url, "--output", "json").Stdout).RootElement;
        Assert.That(json.GetProperty("errors").GetInt32(), Is.EqualTo(1));
        Assert.That(json.GetProperty("findings")[0].GetProperty("object").GetString(), Is.EqualTo("blobs/sha256/" + MissingArm64Layer[7..]));
    }

    [Test]
    public void AHealthyStoreHasNoProblemsAndDeepRehashesEveryBlob()
    {
        using var store = new TempStore();
        Push(store, "app:v1", 1, 2);

        var r = S3loBinary.Run("doctor", store.Url);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Is.EqualTo(new[] { "no problems found (checked 1 tag, 3 blobs)" }));

        var deep = S3loBinary.Run("doctor", store.Url, "--deep");
        Assert.That(deep.ExitCode, Is.EqualTo(0), deep.ToString);
        Assert.That(deep.StdoutLines, Has.Length.EqualTo(1));
        Assert.That(deep.StdoutLines[0], Does.Match(@"^no problems found \(checked 1 tag, 3 blobs, [0-9.]+ kB re-hashed\)$"));
    }

    [Test]
    public void DeepFindsABlobOverwrittenWithOtherBytesOfTheSameSizeAndNamesTheImage()
    {
        using var store = new TempStore();
        var manifest = Push(store, "app:v1", 1);
        var layer = Layers(manifest)[0];
        var path = StoreChecker.BlobPath(store.Root, layer);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xff;
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, bytes);

        var shallow = S3loBinary.Run("doctor", store.Url);
        Assert.That(shallow.ExitCode, Is.EqualTo(0), "without --deep only sizes are compared: " + shallow);

        var deep = S3loBinary.Run("doctor", store.Url, "--deep");
        Assert.That(deep.ExitCode, Is.EqualTo(1), deep.ToString);
        Assert.That(deep.StdoutLines[..2], Is.EqualTo(new[]
        {
            $"error: blob {layer} does not hash to its name (its bytes hash to sha256:{StoreChecker.Sha256Hex(bytes)}); used by app:v1",
            $"  fix: delete the blob object blobs/sha256/{layer[7..]} and push or copy app:v1 again",
        }));
        Assert.That(deep.StdoutLines[^1], Does.StartWith("1 error, 0 warnings (checked 1 tag, 2 blobs, "));
    }

    [Test]
    public void AnUnparsableManifestIsAnErrorAndItsBlobsBecomeOrphans()
    {
        using var store = new TempStore();
        Push(store, "app:v1", 1);
        Push(store, "app:v2", 2);
        File.WriteAllText(Path.Combine(store.Root, "manifests", "app", "v2", "manifest.json"), "{not json");

        var r = S3loBinary.Run("doctor", store.Url);

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StdoutLines.Where(l => l.StartsWith("error: ")).ToArray(), Has.Length.EqualTo(1));
        Assert.That(r.StdoutLines[0], Does.StartWith("error: manifests/app/v2/manifest.json "));
        Assert.That(r.StdoutLines[1], Is.EqualTo($"  fix: push or copy app:v2 again, or remove the tag: s3lo delete {store.Url}app:v2"));
        Assert.That(r.StdoutLines[2], Does.Match(@"^warning: 2 blobs \(\d+ bytes\) referenced by no tag$"));
        Assert.That(r.StdoutLines[^1], Is.EqualTo("1 error, 1 warning (checked 2 tags, 4 blobs)"));
    }

    [Test]
    public void AnInvalidConfigIsAnErrorWithTheParsersLine()
    {
        using var store = new TempStore();
        Push(store, "app:v1", 1);
        File.WriteAllText(Path.Combine(store.Root, "s3lo.yaml"), "default:\n  lifecycle:\n    keep_lats: 3\n");

        var r = S3loBinary.Run("doctor", store.Url);

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(r.StdoutLines, Has.Length.EqualTo(3), r.ToString);
        Assert.That(r.StdoutLines[0], Does.StartWith("error: s3lo.yaml line 3").And.Contain("keep_lats"));
        Assert.That(r.StdoutLines[1], Does.StartWith("  fix: ").And.Contain("s3lo.yaml"));
        Assert.That(r.StdoutLines[2], Is.EqualTo("1 error, 0 warnings (checked 1 tag, 2 blobs)"));
    }

    [Test]
    public void OrphanBlobsAreAWarningListedWithVerboseAndInJson()
    {
        using var store = new TempStore();
        Push(store, "app:v1", 1);
        var gone = Push(store, "app:v2", 1, 2);
        var delete = S3loBinary.Run("delete", store.Ref("app:v2"));
        Assert.That(delete.ExitCode, Is.EqualTo(0), delete.ToString);
        var orphans = new[] { Config(gone), Layers(gone)[1] }.Order(StringComparer.Ordinal).ToArray();

        var r = S3loBinary.Run("doctor", store.Url);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(r.StdoutLines, Has.Length.EqualTo(3), r.ToString);
        Assert.That(r.StdoutLines[0], Does.Match(@"^warning: 2 blobs \(\d+ bytes\) referenced by no tag$"));
        Assert.That(r.StdoutLines[1], Is.EqualTo($"  fix: s3lo clean {store.Url} --blobs --confirm (it keeps blobs younger than its --grace, 1h by default)"));
        Assert.That(r.StdoutLines[2], Is.EqualTo("0 errors, 1 warning (checked 1 tag, 4 blobs)"));

        var verbose = S3loBinary.Run("doctor", store.Url, "--verbose");
        Assert.That(verbose.StdoutLines[1..3].Select(l => l.Trim().Split("  ")[0]), Is.EqualTo(orphans));

        var json = JsonDocument.Parse(S3loBinary.Run("doctor", store.Url, "--output", "json").Stdout).RootElement;
        Assert.That(json.GetProperty("orphans").EnumerateArray().Select(o => o.GetProperty("digest").GetString()), Is.EqualTo(orphans));
        Assert.That(json.GetProperty("warnings").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public void ABucketReferenceNamingAnImageIsAUsageError()
    {
        using var store = new TempStore();
        var r = S3loBinary.Run("doctor", store.Ref("app"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo($"error: doctor checks a whole bucket; '{store.Ref("app")}' names an image"));
    }

    [Test]
    [NonParallelizable]
    public async Task OnCephAMissingLayerAndALeftoverMultipartUploadAreReported()
    {
        using var bucket = S3Server.CreateBucket();
        using var layout = new TempStore(initialize: false);
        var dir = Path.Combine(layout.Parent, "layout");
        var manifest = OciLayoutImages.Write(dir, "v1", 1, 2);
        var copy = S3loBinary.Run("copy", $"oci:{dir}:v1", bucket.Ref("app:v1"), "--endpoint", S3Server.Endpoint);
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        var layer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "blobs", "sha256", manifest[7..]))).RootElement
            .GetProperty("layers")[1].GetProperty("digest").GetString()!;
        using var client = S3Server.Client();
        await client.DeleteObjectAsync(bucket.Name, "blobs/sha256/" + layer[7..]);
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = "blobs/sha256/" + new string('e', 64) });

        try
        {
            var r = S3loBinary.Run("doctor", bucket.Url, "--endpoint", S3Server.Endpoint);

            Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
            Assert.That(r.StdoutLines, Has.Length.EqualTo(5), r.ToString);
            Assert.That(r.StdoutLines[..2], Is.EqualTo(new[]
            {
                $"error: app:v1 references layer {layer} which is missing from the bucket",
                "  fix: push or copy app:v1 again to restore it",
            }));
            Assert.That(r.StdoutLines[2], Does.Match(@"^warning: 1 incomplete upload \(0 bytes\) left by interrupted pushes, the oldest started \S+ ago$"));
            Assert.That(r.StdoutLines[3], Is.EqualTo($"  fix: s3lo clean {bucket.Url} --blobs --confirm (it aborts those older than its --grace, 1h by default)"));
            Assert.That(r.StdoutLines[4], Is.EqualTo("1 error, 1 warning (checked 1 tag, 2 blobs)"));
        }
        finally
        {
            await client.AbortMultipartUploadAsync(bucket.Name, upload.Key, upload.UploadId);
        }
    }

    /// <summary>Copies a small image (one layer per seed) into the store; returns its manifest (as the OCI layout holds it).</summary>
    private static JsonElement Push(TempStore store, string imageAndTag, params int[] seeds)
    {
        var layout = Path.Combine(store.Parent, "layout-" + imageAndTag.Replace(':', '-'));
        var digest = OciLayoutImages.Write(layout, "t", seeds);
        var copy = S3loBinary.Run("copy", $"oci:{layout}:t", store.Ref(imageAndTag));
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        return JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest[7..]))).RootElement;
    }

    private static string Config(JsonElement manifest) => manifest.GetProperty("config").GetProperty("digest").GetString()!;

    private static string[] Layers(JsonElement manifest) =>
        [.. manifest.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)];
}
