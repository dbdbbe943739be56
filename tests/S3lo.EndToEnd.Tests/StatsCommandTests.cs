using System.Globalization;
using System.Text.Json;
using Amazon.S3.Model;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// <c>s3lo stats</c> and <c>s3lo list</c> through the published binary, on a local store and on Ceph: numbers
/// checked against the blobs the test copied in, sized by the store's own listing (files, or the S3 API).
/// </summary>
public sealed class StatsCommandTests
{
    private const double BytesPerGb = 1L << 30;

    /// <summary>org/app:v1 and org/app:v2 (the same image) and org/app/sub:v1 share layer seed 1.</summary>
    private sealed class Filled(TestBucket bucket, string layout, string app, string sub) : IDisposable
    {
        public TestBucket Bucket { get; } = bucket;
        public string App { get; } = app;
        public string Sub { get; } = sub;

        public long BlobSize(string digest) => new FileInfo(Path.Combine(layout, "blobs", "sha256", digest[7..])).Length;

        /// <summary>manifest.json plus its config and layers: what the image weighs in a registry of its own.</summary>
        public long ImageBytes(string digest)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest[7..])));
            var root = manifest.RootElement;
            return BlobSize(digest) + root.GetProperty("config").GetProperty("size").GetInt64()
                + root.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("size").GetInt64());
        }

        public void Dispose() => Bucket.Dispose();
    }

    private static Filled Fill(string scheme, TempDir temp)
    {
        var bucket = TestBucket.Create(scheme);
        var layout = temp.Sub("layout");
        var app = OciLayoutImages.Write(layout, "app", 1, 2);
        var sub = OciLayoutImages.Write(layout, "sub", 1, 3);
        foreach (var (tag, target) in new[] { ("app", "org/app:v1"), ("app", "org/app:v2"), ("sub", "org/app/sub:v1") })
        {
            var copy = TestBucket.S3lo("copy", $"oci:{layout}:{tag}", bucket.Ref(target));
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);
        }
        return new Filled(bucket, layout, app, sub);
    }

    /// <summary>Every blob's size and storage class as the store lists it, never through s3lo.</summary>
    private static List<(string Key, long Size, string? StorageClass)> ListBlobs(TestBucket bucket)
    {
        if (bucket.Scheme == "local")
        {
            var root = bucket.Url["local://".Length..].TrimEnd('/');
            return [.. Directory.EnumerateFiles(Path.Combine(root, "blobs", "sha256"))
                .Select(f => ("blobs/sha256/" + Path.GetFileName(f), new FileInfo(f).Length, (string?)null))];
        }
        using var client = S3Server.Client();
        var listing = client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Url[5..^1], Prefix = "blobs/sha256/" }).GetAwaiter().GetResult();
        return [.. (listing.S3Objects ?? []).Select(o => (o.Key, o.Size ?? -1, o.StorageClass?.Value))];
    }

    [TestCase("local")]
    [TestCase("s3")]
    public void StatsCountsTheCopiedImagesToTheByte(string scheme)
    {
        using var temp = new TempDir("stats");
        using var filled = Fill(scheme, temp);
        var blobs = ListBlobs(filled.Bucket);
        Assert.That(blobs.Select(b => b.Size), Is.EqualTo(blobs.Select(b => filled.BlobSize("sha256:" + b.Key[13..]))), "the store holds the layout's bytes");
        var stored = blobs.Sum(b => b.Size);
        var logical = 2 * filled.ImageBytes(filled.App) + filled.ImageBytes(filled.Sub);
        var metadata = 2 * filled.BlobSize(filled.App) + filled.BlobSize(filled.Sub);

        var json = TestBucket.S3lo("stats", filled.Bucket.Url, "--output", "json", "--price-storage", "2", "--price-ecr", "10");
        Assert.That(json.ExitCode, Is.EqualTo(0), json.ToString);
        var s = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(s.GetProperty("images").GetInt32(), Is.EqualTo(2));
            Assert.That(s.GetProperty("tags").GetInt32(), Is.EqualTo(3));
            Assert.That(s.GetProperty("blobs").GetInt32(), Is.EqualTo(blobs.Count));
            Assert.That(s.GetProperty("referencedBlobs").GetInt32(), Is.EqualTo(blobs.Count));
            Assert.That(s.GetProperty("logicalBytes").GetInt64(), Is.EqualTo(logical));
            Assert.That(s.GetProperty("storedBytes").GetInt64(), Is.EqualTo(stored));
            Assert.That(s.GetProperty("metadataBytes").GetInt64(), Is.EqualTo(metadata));
            Assert.That(s.GetProperty("dedupSavings").GetDouble(), Is.EqualTo(1 - (double)stored / logical).Within(1e-9));
            Assert.That(s.GetProperty("unreferencedBlobs").GetInt32(), Is.EqualTo(0));
            Assert.That(s.GetProperty("monthlyCost").GetDouble(), Is.EqualTo(stored / BytesPerGb * 2).Within(1e-12));
            Assert.That(s.GetProperty("ecrMonthlyCost").GetDouble(), Is.EqualTo(logical / BytesPerGb * 10).Within(1e-12));
        });

        var text = TestBucket.S3lo("stats", filled.Bucket.Url);
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString);
        var expected = new List<string>
        {
            $"bucket:        {filled.Bucket.Url}",
            "images:        2",
            "tags:          3",
            $"blobs:         {blobs.Count} ({blobs.Count} referenced by tags)",
            $"logical:       {Human(logical)}",
            $"stored:        {Human(stored)}",
            $"metadata:      {Human(metadata)}",
            $"dedup savings: {((1 - (double)stored / logical) * 100).ToString("0.0", CultureInfo.InvariantCulture)}%",
            "unreferenced:  none",
            "monthly cost:  $0.00 (ECR equivalent: $0.00)",
        };
        // Whatever class the server reports for what s3lo wrote (a local store reports none).
        foreach (var share in blobs.Where(b => b.StorageClass is not null).GroupBy(b => b.StorageClass!))
            expected.Add($"storage class: {share.Key} {Human(share.Sum(b => b.Size))} ({share.Count()} blobs)");
        Assert.That(text.StdoutLines, Is.EqualTo(expected));
        if (scheme == "s3") Assert.That(expected[^1], Does.StartWith("storage class: "), "Ceph reports a storage class in its listing");
    }

    [TestCase("local")]
    [TestCase("s3")]
    public void ListNamesExactRepositoriesWithTheDigestInspectPrints(string scheme)
    {
        using var temp = new TempDir("list");
        using var filled = Fill(scheme, temp);
        var bucket = filled.Bucket;

        var all = TestBucket.S3lo("list", bucket.Url);
        Assert.That(all.ExitCode, Is.EqualTo(0), all.ToString);
        Assert.That(all.StdoutLines, Is.EqualTo(new[] { "org/app/sub:v1", "org/app:v1", "org/app:v2" }));

        var app = TestBucket.S3lo("list", bucket.Ref("org/app"));
        Assert.That(app.ExitCode, Is.EqualTo(0), app.ToString);
        Assert.That(app.StdoutLines, Is.EqualTo(new[] { "org/app:v1", "org/app:v2" }), "org/app/sub is another repository");
        var sub = TestBucket.S3lo("list", bucket.Ref("org/app/sub"), "--output", "json");
        Assert.That(sub.ExitCode, Is.EqualTo(0), sub.ToString);
        var entries = JsonDocument.Parse(sub.Stdout).RootElement.EnumerateArray().ToList();
        Assert.That(entries.Select(e => (e.GetProperty("image").GetString(), e.GetProperty("tag").GetString())), Is.EqualTo(new[] { ("org/app/sub", "v1") }));
        var inspect = TestBucket.S3lo("inspect", bucket.Ref("org/app/sub:v1"), "--output", "json");
        Assert.That(inspect.ExitCode, Is.EqualTo(0), inspect.ToString);
        Assert.That(entries[0].GetProperty("digest").GetString(), Is.EqualTo(JsonDocument.Parse(inspect.Stdout).RootElement.GetProperty("digest").GetString()));
        Assert.That(entries[0].GetProperty("digest").GetString(), Is.EqualTo(filled.Sub));
        Assert.That(DateTimeOffset.Parse(entries[0].GetProperty("pushedAt").GetString()!, CultureInfo.InvariantCulture),
            Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(10)));

        var missing = TestBucket.S3lo("list", bucket.Ref("org/none"));
        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString);
        Assert.That(missing.StderrLines[0], Is.EqualTo($"error: {bucket.Url}org/none has no tags"));
    }

    [Test]
    public void TheV1FixtureHasOneMissingBlobAndNoOrphans()
    {
        using var store = TempStore.CopyOf(Repo.FixtureStore);
        var stored = Directory.EnumerateFiles(Path.Combine(store.Root, "blobs", "sha256")).Sum(f => new FileInfo(f).Length);

        var r = S3loBinary.Run("stats", store.Url, "--output", "json");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        var s = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.That(s.GetProperty("missingBlobs").GetInt32(), Is.EqualTo(1));
        Assert.That(s.GetProperty("storedBytes").GetInt64(), Is.EqualTo(stored));
        Assert.That(s.GetProperty("tags").GetInt32(), Is.EqualTo(1));
        Assert.That(s.GetProperty("unreferencedBlobs").GetInt32(), Is.EqualTo(0));
        var text = S3loBinary.Run("stats", store.Url);
        Assert.That(text.StdoutLines, Does.Contain("missing blobs: 1 (tags name them; the bucket does not hold them)"));
    }

    [TestCase("--price-storage", "abc")]
    [TestCase("--price-ecr", "-1")]
    public void ABadPriceIsAUsageError(string option, string value)
    {
        using var store = new TempStore();

        var r = S3loBinary.Run("stats", store.Url, option, value);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo($"error: {option}: '{value}' is not a price"));
    }

    [Test]
    public void StatsOfAnImageIsAUsageError()
    {
        using var store = new TempStore();

        var r = S3loBinary.Run("stats", store.Ref("app"));

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo($"error: stats counts a whole bucket; '{store.Ref("app")}' names an image"));
    }

    /// <summary>The CLI's decimal sizes (kB = 1000 B), as a user reads them.</summary>
    private static string Human(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
